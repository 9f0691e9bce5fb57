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
const STARTS = 3;
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

async function startOnce(dir: string, core: number | null): Promise<{ ms: number; rss: number }> {
  const data = await mkdtemp(join(tmpdir(), 'portcullis-bench-demo-'));
  const node = [process.execPath, '--import', 'tsx/esm', 'src/server.ts'];
  const [command, ...args] = core === null ? node : ['taskset', '-c', String(core), ...node];
  const started = performance.now();
  const child = spawn(command as string, args, {
    cwd: dir,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `sqlite:${join(data, 'app.db')}`,
      SECRET: 'portcullis-bench-demo-secret-0123456789',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const ms = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('no "listening" line in 60 s')), 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('listening on')) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.once('exit', (code) => reject(new Error(`demo exited (${code})`)));
    });
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    // With taskset the child is taskset's exec of node: the same pid.
    return { ms, rss: residentMiB(child.pid as number) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) =>
      child.exitCode === null ? child.once('exit', resolve) : resolve(null),
    );
    await rm(data, { recursive: true, force: true });
  }
}

export async function measureDemos(
  core: number | null,
  log: (line: string) => void,
): Promise<DemoStart[]> {
  const results: DemoStart[] = [];
  for (const framework of FRAMEWORKS) {
    const dir = join(EXAMPLES, framework);
    if (!existsSync(join(dir, 'src', 'server.ts'))) continue;
    const result: DemoStart = { framework, startMs: [], rssMiB: [] };
    try {
      // One untimed start fills tsx's compile cache, as any start after the first finds it.
      await startOnce(dir, core);
      for (let i = 0; i < STARTS; i++) {
        const { ms, rss } = await startOnce(dir, core);
        result.startMs.push(Math.round(ms));
        result.rssMiB.push(rss);
      }
      log(
        `demo ${framework}: start ${result.startMs.join(', ')} ms, RSS ${result.rssMiB.join(', ')} MiB`,
      );
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      log(`demo ${framework}: FAILED ${result.error}`);
    }
    results.push(result);
  }
  return results;
}
