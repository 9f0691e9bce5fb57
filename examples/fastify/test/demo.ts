import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = new URL('..', import.meta.url).pathname;

export interface RunningDemo {
  base: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Runs the create-user CLI against the same database. */
  createUser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  outbox(): { kind: string; email: string; token: string }[];
}

function demoEnv(dir: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${join(dir, 'data', 'app.db')}`,
    SECRET: 'demo-test-secret-demo-test-secret-0123',
    OUTBOX: join(dir, 'outbox.jsonl'),
    ...extra,
  };
}

/** Starts `src/server.ts` (what `pnpm start` runs) on a free port with its own SQLite file. */
export async function startDemo(extra: NodeJS.ProcessEnv = {}): Promise<RunningDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-demo-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const env = demoEnv(dir, { PORT: String(port), ...extra });
  const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/server.ts'], {
    cwd: here,
    env,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const deadline = Date.now() + 20_000;
  while (!out.includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`demo did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base: `http://127.0.0.1:${port}`,
    dir,
    env,
    child,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    async createUser(args) {
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          ['--import', 'tsx/esm', 'src/cli.ts', ...args],
          {
            cwd: here,
            env,
          },
        );
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    },
    outbox() {
      try {
        return readFileSync(env.OUTBOX as string, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line));
      } catch {
        return [];
      }
    },
  };
}

/** Runs the server entry point expecting it to fail fast. */
export async function startExpectingFailure(
  extra: NodeJS.ProcessEnv,
): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-demo-'));
  try {
    await run(process.execPath, ['--import', 'tsx/esm', 'src/server.ts'], {
      cwd: here,
      env: demoEnv(dir, { PORT: '0', ...extra }),
      timeout: 20_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}
