import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * Why HAProxy cannot be used here, or null once `haproxy` is on PATH: installed from Debian's
 * packages when missing (the tests run as root on the development and CI machines).
 */
export async function ensureHaproxy(): Promise<string | null> {
  const present = async (): Promise<boolean> =>
    run('haproxy', ['-v']).then(
      () => true,
      () => false,
    );
  if (await present()) return null;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['install', '-y', 'haproxy'], { env, timeout: 300_000 }).catch(
      async () => {
        // A stale package list: refresh it once and try again.
        await run('apt-get', ['update'], { env, timeout: 300_000 });
        await run('apt-get', ['install', '-y', 'haproxy'], { env, timeout: 300_000 });
      },
    );
  } catch (error) {
    return `haproxy is missing and apt-get install -y haproxy failed: ${(error as Error).message.split('\n')[0]}`;
  }
  return (await present()) ? null : 'haproxy is still missing after apt-get install';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface LoadBalancer {
  url: string;
  stop(): Promise<void>;
}

/**
 * HAProxy on a free loopback port, round-robin over `backends` per request (the server side
 * of every connection is closed after each answer), appending the client's address to
 * `X-Forwarded-For` (`option forwardfor`) and naming the instance that answered in
 * `X-Served-By`. Its config lives in a temporary folder.
 */
export async function startHaproxy(backends: string[]): Promise<LoadBalancer> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-haproxy-'));
  const port = await freePort();
  const servers = backends.map((base, i) => `  server s${i + 1} ${new URL(base).host}`);
  const config = [
    'global',
    '  maxconn 256',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  option http-server-close',
    '  option forwardfor',
    'frontend portcullis',
    `  bind 127.0.0.1:${port}`,
    '  default_backend demos',
    'backend demos',
    '  balance roundrobin',
    '  http-response set-header X-Served-By %s',
    ...servers,
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  await run('haproxy', ['-c', '-f', file]);
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', file], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await send(url, 'GET', '/openapi.json').then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('haproxy did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request from a chosen local address (`from`, any of 127.0.0.0/8), on a connection of
 * its own: how the test plays many clients on one machine.
 */
export function send(
  base: string,
  method: string,
  path: string,
  options: { from?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        headers: { connection: 'close', ...options.headers },
        localAddress: options.from,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A fresh PostgreSQL schema, and the demo's DATABASE_URL for it. */
export async function postgresSchema(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `pc_scale_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create schema "${schema}"`);
  const url = new URL(adminUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}
