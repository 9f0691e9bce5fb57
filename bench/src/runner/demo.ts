/**
 * The demos' cold start (process spawn → "listening" on stdout) and idle RSS, as `pnpm start`
 * runs them (through tsx), each on a fresh SQLite file so first-start migrations are included.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAMEWORKS, type Framework } from '../config';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const IDLE_MS = 1000;

export interface DemoStart {
  framework: Framework;
  /** Milliseconds from spawn to the "listening on" line, one per start. */
  startMs: number[];
  /** Resident set size after a second of idling, in MiB, one per start. */
  rssMiB: number[];
  error?: string;
}

function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

/** A server to start: the Node arguments, its folder, its environment. */
export interface StartCommand {
  /** Arguments after `node` (flags and the entry file). */
  nodeArgs: readonly string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * Starts a server that prints "listening on …" once it listens, on a fresh SQLite file in
 * `DATABASE_URL`/`DATABASE_PATH` (so first-start migrations are included): milliseconds from
 * spawn to that line, and its resident memory after a second of idling.
 */
export async function startOnce(
  start: StartCommand,
  core: number | null,
): Promise<{ ms: number; rss: number }> {
  const data = await mkdtemp(join(tmpdir(), 'portcullis-bench-start-'));
  const node = [process.execPath, ...start.nodeArgs];
  const [command, ...args] = core === null ? node : ['taskset', '-c', String(core), ...node];
  const file = join(data, 'app.db');
  const started = performance.now();
  const child = spawn(command as string, args, {
    cwd: start.cwd,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `sqlite:${file}`,
      DATABASE_PATH: file,
      SECRET: 'portcullis-bench-demo-secret-0123456789',
      ...start.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const ms = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error('no "listening" line in 60 s')), 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('listening on')) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        err = (err + chunk.toString()).slice(-1000);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code}) ${err.trim().split('\n').slice(-3).join(' ')}`));
      });
    });
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    // With taskset the child is taskset's exec of node: the same pid.
    return { ms, rss: residentMiB(child.pid as number) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) =>
      child.exitCode === null && child.signalCode === null
        ? child.once('exit', resolve)
        : resolve(null),
    );
    await rm(data, { recursive: true, force: true });
  }
}

/** Figures of `starts` timed starts, after an untimed one when `warm`. */
export async function timeStarts(
  start: StartCommand,
  options: { starts: number; warm: boolean; core: number | null },
): Promise<{ startMs: number[]; rssMiB: number[]; error?: string }> {
  const result: { startMs: number[]; rssMiB: number[]; error?: string } = {
    startMs: [],
    rssMiB: [],
  };
  try {
    if (options.warm) await startOnce(start, options.core);
    for (let i = 0; i < options.starts; i++) {
      const { ms, rss } = await startOnce(start, options.core);
      result.startMs.push(Math.round(ms));
      result.rssMiB.push(rss);
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  return result;
}

/**
 * Each demo's start-up as `pnpm start` runs it (through tsx). A smoke run starts each once,
 * without the untimed first start.
 *
 * @example
 * ```ts
 * const demos = await measureDemos(0, { starts: 3, warm: true }, console.log);
 * ```
 */
export async function measureDemos(
  core: number | null,
  options: { starts: number; warm: boolean },
  log: (line: string) => void,
): Promise<DemoStart[]> {
  const results: DemoStart[] = [];
  for (const framework of FRAMEWORKS) {
    const dir = join(EXAMPLES, framework);
    if (!existsSync(join(dir, 'src', 'server.ts'))) continue;
    // The untimed first start fills tsx's compile cache, as any start after the first finds it.
    const start = { nodeArgs: ['--import', 'tsx/esm', 'src/server.ts'], cwd: dir, env: {} };
    const result: DemoStart = { framework, ...(await timeStarts(start, { ...options, core })) };
    log(
      result.error
        ? `demo ${framework}: FAILED ${result.error}`
        : `demo ${framework}: start ${result.startMs.join(', ')} ms, RSS ${result.rssMiB.join(', ')} MiB`,
    );
    results.push(result);
  }
  return results;
}
