import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

// Importing Portcullis must not load zod (about 60 ms of a cold start): core builds its schemas
// on first use (docs/performance.md#import-cost). A fresh Node process imports the compiled
// packages (`dist`: build them first) with zod made unloadable by fixtures/refuse-zod.mjs.

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./fixtures/refuse-zod.mjs', import.meta.url));

/** Core's zod-free entries, the stores and the adapters. */
const PACKAGES = 'core core/adapter core/node sql mongodb fastify koa express'
  .split(' ')
  .map((name) => `@portcullis/${name}`);

/** Imports (ESM) or requires (CJS) the modules in one process; its exit status and stderr. */
function load(
  build: 'esm' | 'cjs',
  modules: readonly string[],
): { status: number | null; stderr: string } {
  const list = JSON.stringify(modules);
  const source =
    build === 'esm'
      ? `for (const name of ${list}) await import(name);`
      : `import { createRequire } from 'node:module';
         const require = createRequire(process.cwd() + '/');
         for (const name of ${list}) require(name);`;
  const run = spawnSync(
    process.execPath,
    ['--import', PRELOAD, '--input-type=module', '-e', source],
    { cwd: BENCH_DIR, encoding: 'utf8' },
  );
  return { status: run.status, stderr: run.stderr };
}

describe.each(['esm', 'cjs'] as const)('importing the built packages (%s)', (build) => {
  test('core, its adapter and node entries, the stores and the adapters load no zod', () => {
    const { status, stderr } = load(build, PACKAGES);
    expect(stderr).not.toMatch(/zod was/);
    expect(status).toBe(0);
  });

  test('the entries that hand out zod values do load it (the probe can fail)', () => {
    for (const entry of ['@portcullis/core/openapi', '@portcullis/core/fields']) {
      const { status, stderr } = load(build, [entry]);
      expect(stderr).toMatch(build === 'esm' ? /zod was imported/ : /zod was required/);
      expect(status).not.toBe(0);
    }
  });
});
