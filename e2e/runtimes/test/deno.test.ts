import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { spawnApp } from './runtime-process';
import { runtimeSuite, SPAWN_TIMEOUT } from './runtime-suite';

const root = fileURLToPath(new URL('..', import.meta.url));
// The `deno` package's own lookup of its platform binary (what its bin shim runs).
const deno = (
  createRequire(import.meta.url)('deno-bin/install_api.cjs') as { runInstall(): string }
).runInstall();

runtimeSuite({
  name: 'Deno 2.9.6',
  expect: { name: 'deno', version: '2.9.6' },
  hasher: 'argon2id (native addon)',
  start: () =>
    spawnApp({
      command: deno,
      args: [
        'run',
        // node_modules as pnpm laid it out; nothing fetched, no lock file written.
        '--node-modules-dir=manual',
        '--no-remote',
        '--no-lock',
        '--allow-net=127.0.0.1',
        // napi-rs reads its NAPI_RS_* variables and dlopens the addon: env, read and ffi.
        '--allow-env',
        '--allow-read',
        '--allow-ffi',
        'app/deno.ts',
      ],
      cwd: root,
      env: { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      announce: 'stdout',
      timeoutMs: SPAWN_TIMEOUT,
    }),
});
