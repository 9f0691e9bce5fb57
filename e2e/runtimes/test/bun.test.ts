import { fileURLToPath } from 'node:url';
import { spawnApp } from './runtime-process';
import { runtimeSuite, SPAWN_TIMEOUT } from './runtime-suite';

const root = fileURLToPath(new URL('..', import.meta.url));
// The `bun` package's install script puts the binary there (pnpm-workspace.yaml allows it).
const bun = fileURLToPath(new URL('../node_modules/bun-bin/bin/bun.exe', import.meta.url));

runtimeSuite({
  name: 'Bun 1.4.5',
  expect: { name: 'bun', version: '1.4.5' },
  hasher: 'argon2id (native addon)',
  start: () =>
    spawnApp({
      command: bun,
      args: ['app/bun.ts'],
      cwd: root,
      announce: 'stdout',
      timeoutMs: SPAWN_TIMEOUT,
    }),
});
