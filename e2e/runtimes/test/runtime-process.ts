import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/** The runtime app of `app/`, running in another runtime's process. */
export interface RunningApp {
  /** e.g. `http://127.0.0.1:41167` */
  url: string;
  /** The key its test-only routes require. */
  testKey: string;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnAppOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** Where the port is announced: a `{"listening":N}` line on stdout, or workerd's control fd 3. */
  announce: 'stdout' | 'control-fd';
  env?: Record<string, string>;
  timeoutMs: number;
}

const STOP_GRACE_MS = 5_000;

/** The port in the first announcement line of `stream`, whichever shape it has. */
function announcedPort(stream: Readable, onText: (text: string) => void): Promise<number> {
  return new Promise((resolve) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      onText(chunk);
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        // `{"listening":N}` from the Bun and Deno apps, `{"event":"listen",…,"port":N}` from workerd.
        const match = /^\{"(?:listening":(\d+)|event":"listen".*"port":(\d+))/.exec(line);
        const port = match?.[1] ?? match?.[2];
        if (port) resolve(Number(port));
      }
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts the app in a runtime's process on 127.0.0.1, port 0, and resolves once it listens. The
 * test key is generated here and handed over in `PORTCULLIS_TEST_KEY`.
 */
export async function spawnApp(options: SpawnAppOptions): Promise<RunningApp> {
  const testKey = randomBytes(24).toString('base64url');
  const stdio: StdioOptions =
    options.announce === 'control-fd'
      ? ['ignore', 'pipe', 'pipe', 'pipe']
      : ['ignore', 'pipe', 'pipe'];
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PORTCULLIS_TEST_KEY: testKey },
    stdio,
  });
  let output = '';
  const record = (text: string): void => {
    output += text;
  };
  child.stderr?.setEncoding('utf8').on('data', record);
  const announcer = options.announce === 'control-fd' ? child.stdio[3] : child.stdout;
  if (options.announce === 'control-fd') child.stdout?.setEncoding('utf8').on('data', record);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited(child);
    clearTimeout(timer);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await Promise.race([
      announcedPort(announcer as Readable, record),
      new Promise<never>((_, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) =>
          reject(new Error(`exited (${code ?? signal}) before listening:\n${output}`)),
        );
        timer = setTimeout(
          () => reject(new Error(`not listening after ${options.timeoutMs} ms:\n${output}`)),
          options.timeoutMs,
        );
      }),
    ]);
    return { url: `http://127.0.0.1:${port}`, testKey, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
