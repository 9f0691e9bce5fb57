import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HttpContractTarget } from '@portcullis/testing';

const run = promisify(execFile);

/** One JSON line of the OUTBOX (see docs/demo.md). */
export interface OutboxMail {
  kind: string;
  email: string;
  token: string;
}

export interface RunningDemo {
  base: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends the signal and resolves the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Runs the create-user CLI against the same database. */
  createUser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  outbox(): OutboxMail[];
}

const TSX = ['--import', 'tsx/esm'];

/** A fresh folder, SQLite file and OUTBOX per demo process. */
function demoEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-demo-'));
  return {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'data', 'app.db')}`,
    SECRET: 'demo-test-secret-demo-test-secret-0123',
    OUTBOX: join(dir, 'outbox.jsonl'),
    // The contract suites send far more than a minute's budget from one address; the tests of
    // abuse protection turn it back on.
    RATE_LIMIT: '0',
    ...extra,
  };
}

/**
 * Starts `src/server.ts` of the demo in `appDir` (what `pnpm start` runs) on a free port, with
 * its own SQLite file and OUTBOX, and resolves once it says where it listens.
 */
export async function startDemo(
  appDir: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<RunningDemo> {
  const env = demoEnv(extra);
  const child = spawn(process.execPath, [...TSX, 'src/server.ts'], { cwd: appDir, env });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 90_000;
  let base: string | undefined;
  while (base === undefined) {
    base = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (base) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the demo did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    env,
    child,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async createUser(args) {
      try {
        const { stdout, stderr } = await run(process.execPath, [...TSX, 'src/cli.ts', ...args], {
          cwd: appDir,
          env,
        });
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
          .map((line) => JSON.parse(line) as OutboxMail);
      } catch {
        return [];
      }
    },
  };
}

/** Runs the demo's server entry point expecting it to fail fast. */
export async function startExpectingFailure(
  appDir: string,
  extra: NodeJS.ProcessEnv,
): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [...TSX, 'src/server.ts'], {
      cwd: appDir,
      env: demoEnv(extra),
      timeout: 90_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

/**
 * A running demo as a target of `httpContractSuite`: tokens come from its OUTBOX, users from its
 * `create-user` CLI, as the black-box suite drives it (see docs/demo.md).
 */
export function contractTarget(demo: RunningDemo): HttpContractTarget {
  return {
    url: demo.base,
    async lastToken(kind, email) {
      const mail = demo
        .outbox()
        .filter((m) => m.kind === kind && m.email === email)
        .pop();
      if (!mail) throw new Error(`no ${kind} mail for ${email} in OUTBOX`);
      return mail.token;
    },
    async createUser(user) {
      const args = ['--email', user.email, '--password', user.password];
      if (user.superuser) args.push('--superuser');
      if (user.verified) args.push('--verified');
      if (user.inactive) args.push('--inactive');
      const result = await demo.createUser(args);
      if (result.code !== 0) throw new Error(`create-user failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as { id: string };
    },
  };
}
