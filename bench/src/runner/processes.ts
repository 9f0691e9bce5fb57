/**
 * Child processes of a run: servers and the argon2 loop on the server core, load generators on
 * the other one (`taskset`), all TypeScript run through tsx with the bench's tsconfig (which
 * maps `@portcullis/*` to the workspace sources, as the tests do).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Fixture, Framework, MeasuredMessage, ReadyMessage, Stack } from '../config';
import type { LoadConfig, LoadMessage, LoadReply, LoadSample } from '../load/worker';

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = fileURLToPath(new URL('../servers/main.ts', import.meta.url));
const LOAD = fileURLToPath(new URL('../load/worker.ts', import.meta.url));
const ARGON2 = fileURLToPath(new URL('../load/argon2.ts', import.meta.url));

/** Which core the servers and the load generators run on; null: not pinned. */
export interface Pinning {
  server: number | null;
  load: number | null;
  /** Why there is no pinning, when there is none. */
  note: string | null;
  /**
   * Local database servers moved to the load generator's core for the run (`postgres`,
   * `redis-server`), or why they were not.
   */
  services?: string;
}

/** Servers on the first core, load on the last, when `taskset` exists and there are ≥ 2. */
export function choosePinning(enabled: boolean): Pinning {
  const cores = availableParallelism();
  if (!enabled) return { server: null, load: null, note: 'pinning turned off (--no-pin)' };
  if (cores < 2) return { server: null, load: null, note: `only ${cores} core` };
  const probe = spawnSync('taskset', ['-c', '0', 'true']);
  if (probe.error || probe.status !== 0) {
    return { server: null, load: null, note: 'taskset is not available' };
  }
  return { server: 0, load: cores - 1, note: null };
}

/** Moves this process (all its threads) to a core, so the runner stays off the server's. */
export function pinSelf(core: number | null): void {
  if (core === null) return;
  spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)]);
}

/** A process's current CPU list (`taskset -p -c`), or null when it cannot be read. */
function affinityOf(pid: number): string | null {
  const shown = spawnSync('taskset', ['-p', '-c', String(pid)], { encoding: 'utf8' });
  const list = /:\s*([\d,-]+)\s*$/.exec(shown.stdout ?? '')?.[1];
  return shown.status === 0 && list ? list : null;
}

function pidsOf(name: string): number[] {
  const found = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.split('\n').filter(Boolean).map(Number) : [];
}

/**
 * Moves this machine's PostgreSQL and Redis servers (every process and thread; new PostgreSQL
 * backends inherit the postmaster's affinity) to the load generator's core for the run, as if
 * they ran on another host: otherwise the kernel wakes a backend on the core of the server that
 * just wrote to it, and the database's work lands on the server's core in the database
 * scenarios only. Returns what was done and how to put every process back.
 */
export function pinServices(core: number | null): { note: string; restore(): void } {
  const none = { restore: () => undefined };
  if (core === null) return { ...none, note: 'not moved (no pinning)' };
  const saved: [number, string][] = [];
  const moved: string[] = [];
  for (const name of ['postgres', 'redis-server']) {
    const pids = pidsOf(name);
    let count = 0;
    for (const pid of pids) {
      const before = affinityOf(pid);
      if (before === null) continue;
      const done = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)]);
      if (done.status !== 0) continue;
      saved.push([pid, before]);
      count += 1;
    }
    if (count > 0) moved.push(`${name} (${count} process${count === 1 ? '' : 'es'})`);
  }
  return {
    note:
      moved.length > 0
        ? `${moved.join(', ')} moved to core ${core} for the run, put back after`
        : 'no local postgres or redis-server process could be moved',
    restore() {
      for (const [pid, list] of saved) spawnSync('taskset', ['-a', '-p', '-c', list, String(pid)]);
    },
  };
}

function start(
  file: string,
  core: number | null,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
  prefix: readonly string[] = [],
): ChildProcess {
  const node = [...prefix, process.execPath, ...nodeFlags, '--import', 'tsx/esm', file];
  const [command, ...args] = core === null ? node : ['taskset', '-c', String(core), ...node];
  return spawn(command as string, args, {
    cwd: BENCH_DIR,
    // No `paths` for the servers: Portcullis from its compiled `dist`, as an app runs it.
    env: { ...process.env, TSX_TSCONFIG_PATH: `${BENCH_DIR}tsconfig.servers.json`, ...env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    // A session of its own: with autogroup scheduling, Linux shares a core between sessions,
    // and splits one session's share across the cores its processes use. In the runner's
    // session a server's share would depend on how busy the load generator is on the other
    // core, and on how many threads the server keeps runnable (a thread-pool job raised it).
    // Each child exits when the runner's IPC channel closes.
    detached: true,
  });
}

/** Resolves with the first message the predicate accepts; rejects if the child dies first. */
function nextMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => message is T,
  what: string,
  timeoutMs: number,
  stderr: () => string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${what}: no answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown): void => {
      if (!accept(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null): void =>
      fail(
        new Error(`${what} exited (${code}) ${stderr().trim().split('\n').slice(-5).join('\n')}`),
      );
    const fail = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function captureStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-4000);
  });
  return () => text;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

const isType =
  <T extends { type: string }>(type: T['type']) =>
  (message: unknown): message is T =>
    typeof message === 'object' && message !== null && (message as T).type === type;

export interface RunningServer {
  origin: string;
  /** The server's process id (valgrind's, when started under it: the same process). */
  pid: number;
  /** Starts counting the server's CPU time (and its event-loop delay, when asked). */
  startMeasuring(loopDelay: boolean): void;
  stopMeasuring(): Promise<MeasuredMessage>;
  stop(): Promise<void>;
}

/** How a server is started besides the scenario: profiled, or under another program. */
export interface ServerLaunch {
  /** Runs the server under `node --cpu-prof`: the profile is written there when it stops. */
  cpuProfileDir?: string;
  /** A command the server runs under, e.g. `['valgrind', '--tool=callgrind']`. */
  prefix?: readonly string[];
  /** More flags for node, e.g. `--perf-basic-prof`. */
  nodeFlags?: readonly string[];
  /** How long it may take to say it is listening. Default 60 s. */
  readyTimeoutMs?: number;
}

/** Starts a server for the scenario. */
export async function startServer(
  framework: Framework,
  stack: Stack,
  fixture: Fixture,
  core: number | null,
  launch: ServerLaunch = {},
): Promise<RunningServer> {
  const { cpuProfileDir, prefix = [], nodeFlags = [], readyTimeoutMs = 60_000 } = launch;
  // A folder per server: the main thread and tsx's loader thread each write a profile.
  const flags = cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}/${framework}-${stack}-${Date.now()}`]
    : [];
  flags.push(...nodeFlags);
  const env = {
    BENCH_FRAMEWORK: framework,
    BENCH_STACK: stack,
    // The refresh tokens are the load generator's, and an environment string has a size limit.
    BENCH_FIXTURE: JSON.stringify({ ...fixture, refreshTokens: [] }),
  };
  const child = start(SERVER, core, env, flags, prefix);
  const stderr = captureStderr(child);
  try {
    const what = `server ${framework}/${stack}`;
    const isReady = isType<ReadyMessage>('ready');
    const ready = await nextMessage(child, isReady, what, readyTimeoutMs, stderr);
    return {
      origin: `http://127.0.0.1:${ready.port}`,
      pid: child.pid as number,
      startMeasuring: (loopDelay) => child.send({ type: 'measure-start', loopDelay }),
      stopMeasuring() {
        const isMeasured = isType<MeasuredMessage>('measured');
        const reply = nextMessage(child, isMeasured, what, 10_000, stderr);
        child.send({ type: 'measure-stop' });
        return reply;
      },
      stop: () => stop(child),
    };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** A load generator (or the argon2 loop): `run(seconds, config)` gives one sample. */
export interface Load {
  run(seconds: number, config?: LoadConfig): Promise<LoadSample>;
  stop(): Promise<void>;
}

async function startLoadProcess(
  file: string,
  core: number | null,
  env: Record<string, string>,
  what: string,
): Promise<Load> {
  const child = start(file, core, env);
  const stderr = captureStderr(child);
  type Answer = Exclude<LoadReply, { type: 'ready' }>;
  const isAnswer = (message: unknown): message is Answer =>
    isType<Answer>('result')(message) || isType<Answer>('error')(message);
  try {
    await nextMessage(child, isType<{ type: 'ready' }>('ready'), what, 60_000, stderr);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return {
    async run(seconds, config) {
      const answer = nextMessage(child, isAnswer, what, seconds * 1000 + 60_000, stderr);
      const message: LoadMessage = config
        ? { type: 'run', seconds, config }
        : { type: 'run', seconds };
      child.send(message);
      const reply = await answer;
      if (reply.type === 'error') throw new Error(`${what}: ${reply.message}`);
      return reply.sample;
    },
    stop: () => stop(child),
  };
}

/** The load generator of a run (or of one lane of a parallel smoke run). */
export function startLoad(core: number | null): Promise<Load> {
  return startLoadProcess(LOAD, core, {}, 'load generator');
}

export function startArgon2(inFlight: number, core: number | null): Promise<Load> {
  return startLoadProcess(ARGON2, core, { BENCH_IN_FLIGHT: String(inFlight) }, 'argon2 loop');
}
