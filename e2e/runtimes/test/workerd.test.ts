import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, expect, test } from 'vitest';
import { spawnApp } from './runtime-process';
import { runtimeSuite, SPAWN_TIMEOUT } from './runtime-suite';

const app = (file: string): string => fileURLToPath(new URL(`../app/${file}`, import.meta.url));
// The `workerd` package exports the path of its platform binary (as miniflare uses it).
const workerd = (createRequire(import.meta.url)('workerd') as { default: string }).default;
const dir = mkdtempSync(join(tmpdir(), 'portcullis-workerd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Bundles the worker as `wrangler` would (esbuild, the `workerd` and `worker` export
 * conditions): core and its dependencies must bundle with no Node built-in and no addon.
 */
async function bundle(): Promise<void> {
  await build({
    entryPoints: [app('workerd.ts')],
    outfile: join(dir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
  });
  copyFileSync(app('workerd.capnp'), join(dir, 'workerd.capnp'));
}

const running = runtimeSuite({
  name: 'workerd 1.20261123.1',
  expect: { name: 'workerd', version: 'Cloudflare-Workers' },
  hasher: 'PBKDF2 (Web Crypto)',
  skip: {
    'HTTP-LIMIT-001':
      'workerd sends the 413 and closes the connection without reading the rest of the upload, ' +
      "so Node's fetch fails with EPIPE while still sending and never reads the answer; the " +
      'test below reads the 413 over a raw socket',
  },
  async start() {
    await bundle();
    return spawnApp({
      command: workerd,
      args: ['serve', 'workerd.capnp', '--control-fd=3'],
      cwd: dir,
      announce: 'control-fd',
      timeoutMs: SPAWN_TIMEOUT,
    });
  },
});

/** Sends headers announcing `length` bytes and only the first 64 KiB; resolves what comes back. */
function rawUpload(url: string, path: string, length: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n` +
        `content-length: ${length}\r\n\r\n${'x'.repeat(64 * 1024)}`,
    );
  });
}

test(
  'workerd: 413 {"detail":"Request Entity Too Large"} for a body announced over the limit, without reading it',
  async () => {
    const { url } = await running();
    const answer = await rawUpload(url, '/auth/register', 2 * 1024 * 1024);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.slice(answer.indexOf('\r\n\r\n') + 4)).toBe(
      JSON.stringify({ detail: 'Request Entity Too Large' }),
    );
  },
  SPAWN_TIMEOUT,
);
