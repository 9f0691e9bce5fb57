import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FRAMEWORKS = ['fastify', 'express', 'koa'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** A demo app running as `pnpm start` runs it, in a process of its own. */
export interface Target {
  framework: Framework;
  port: number;
  base: string;
  pid: number;
  /** Resident memory of the process in bytes (Linux), or null where it cannot be read. */
  rss(): number | null;
  /** What the process wrote to stderr after it said it was listening. */
  stderrSinceStart(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

/**
 * The checkout whose demos are fuzzed: this one, or `FUZZ_APP_ROOT` (another worktree, to
 * measure a version before a change with the same cases).
 */
const ROOT = process.env.FUZZ_APP_ROOT ?? fileURLToPath(new URL('../..', import.meta.url));

/** Starts `examples/<framework>/src/server.ts` on a free port with a fresh SQLite file. */
export async function startTarget(framework: Framework): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), `portcullis-fuzz-${framework}-`));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx/esm', 'src/server.ts'], {
    cwd: join(ROOT, 'examples', framework),
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
      SECRET: 'fuzz-secret-fuzz-secret-fuzz-secret-0123',
      OUTBOX: join(dir, 'outbox.jsonl'),
      PUBLIC_URL: 'https://fuzz.test',
      // Abuse protection would answer most of a flood from one address with 429.
      RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let stderrAtStart = -1;
  child.stdout?.on('data', (chunk: Buffer) => {
    // The mailer prints every token to stdout; only the first lines matter here.
    if (stdout.length < 10_000) stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const deadline = Date.now() + 120_000;
  let base: string | undefined;
  while (!base) {
    base = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
    if (base) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ${framework} demo did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stderrAtStart = stderr.length;
  const pid = child.pid as number;
  return {
    framework,
    base,
    port: Number(new URL(base).port),
    pid,
    rss() {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) * 1024 : null;
      } catch {
        return null;
      }
    },
    stderrSinceStart: () => stderr.slice(stderrAtStart),
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
