import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

// Importing Portcullis must not load zod (about 60 ms of a cold start) nor jose's signing,
// verification and key modules: core builds its schemas on first use and loads those jose
// modules on the first call that needs them (docs/performance.md#import-cost). A fresh Node
// process imports the compiled packages (`dist`: build them first) with the modules made
// unloadable by fixtures/refuse.mjs.

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./fixtures/refuse.mjs', import.meta.url));

/** Core's zod-free entries, the stores and the adapters. */
const PACKAGES = 'core core/adapter core/node sql mongodb fastify koa express'
  .split(' ')
  .map((name) => `@portcullis/${name}`);

const ZOD = ['zod'];
/** What the synchronous HMAC path never needs (core's `loadJose`). */
const JOSE_LATE = ['jose/jwt/sign', 'jose/jwt/verify', 'jose/key/import', 'jose/key/export'];

/**
 * Runs `source` (after importing or requiring `modules`) in one process where `refuse` cannot
 * load; its exit status and stderr.
 */
function load(
  build: 'esm' | 'cjs',
  modules: readonly string[],
  refuse: readonly string[],
  source = '',
): { status: number | null; stderr: string } {
  const list = JSON.stringify(modules);
  const imports =
    build === 'esm'
      ? `const loaded = []; for (const name of ${list}) loaded.push(await import(name));`
      : `import { createRequire } from 'node:module';
         const require = createRequire(process.cwd() + '/');
         const loaded = []; for (const name of ${list}) loaded.push(require(name));`;
  const run = spawnSync(
    process.execPath,
    ['--import', PRELOAD, '--input-type=module', '-e', `${imports}\n${source}`],
    { cwd: BENCH_DIR, encoding: 'utf8', env: { ...process.env, REFUSE: refuse.join(',') } },
  );
  return { status: run.status, stderr: run.stderr };
}

/** The message of a refused load whose specifier matches `pattern` (a regular expression). */
const refusedBy = (build: 'esm' | 'cjs', pattern: string) =>
  new RegExp(`${pattern}\\S* was ${build === 'esm' ? 'imported' : 'required'}`);

/** Runs `source` with `codec` (HS256) and a `token` it signed in scope, the late jose refused. */
function withHs256Token(build: 'esm' | 'cjs', source: string) {
  return load(
    build,
    ['@portcullis/core/adapter'],
    JOSE_LATE,
    `const codec = loaded[0].createJwtCodec({ secret: 'k'.repeat(32) });
     const token = await codec.sign({ sub: '1', aud: ['a'] }, 60);
     ${source}`,
  );
}

describe.each(['esm', 'cjs'] as const)('importing the built packages (%s)', (build) => {
  test('core, its adapter and node entries, the stores and the adapters load no zod', () => {
    const { status, stderr } = load(build, PACKAGES, ZOD);
    expect(stderr).not.toMatch(/was (imported|required)/);
    expect(status).toBe(0);
  });

  test('the entries that hand out zod values do load it (the probe can fail)', () => {
    for (const entry of ['@portcullis/core/openapi', '@portcullis/core/fields']) {
      const { status, stderr } = load(build, [entry], ZOD);
      expect(stderr).toMatch(refusedBy(build, 'zod'));
      expect(status).not.toBe(0);
    }
  });

  test("the packages load none of jose's signing, verification or key modules", () => {
    const { status, stderr } = load(build, PACKAGES, JOSE_LATE);
    expect(stderr).not.toMatch(/was (imported|required)/);
    expect(status).toBe(0);
  });

  test('an HS256 codec signs and verifies without them', () => {
    const { status, stderr } = withHs256Token(
      build,
      `const claims = await codec.verify(token, 'a');
       if (claims.sub !== '1') process.exit(3);`,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  test('a token the fast path leaves to jose loads them (the probe can fail)', () => {
    const { status, stderr } = withHs256Token(
      build,
      `await codec.verify(token.slice(0, -4) + 'AAAA', 'a');`,
    );
    // loadJose loads the four together: whichever is refused first fails the call.
    expect(stderr).toMatch(refusedBy(build, 'jose/(jwt|key)/'));
    expect(status).not.toBe(0);
  });
});
