import { createPasswordHasher, createPbkdf2PasswordHasher } from '@portcullis/core';
import {
  type HttpContractCaseId,
  type HttpContractTarget,
  type HttpSkips,
  httpContractSuite,
} from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningApp } from './runtime-process';

/**
 * For hooks that spawn a runtime (and, for workerd, bundle the app first): a limit for a loaded
 * machine, not a measurement.
 */
export const SPAWN_TIMEOUT = 60_000;

const PASSWORD = 'correct horse battery staple';

export interface RuntimeSuiteOptions {
  /** Shown in titles, e.g. `Bun 1.4.5`. */
  name: string;
  /** What the app must report from inside the runtime: its name and version. */
  expect: { name: string; version: string };
  /** The hasher the runtime's app stores users with. */
  hasher: 'argon2id (native addon)' | 'PBKDF2 (Web Crypto)';
  start(): Promise<RunningApp>;
  skip?: HttpSkips<HttpContractCaseId>;
}

async function testRoute(app: RunningApp, method: string, path: string, body?: unknown) {
  const response = await fetch(`${app.url}/__test/${path}`, {
    method,
    headers: { 'x-test-key': app.testKey, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function contractTarget(app: RunningApp): HttpContractTarget {
  return {
    url: app.url,
    async createUser(user) {
      const { status, body } = await testRoute(app, 'POST', 'users', user);
      expect(status, JSON.stringify(body)).toBe(201);
      return { id: String(body.id) };
    },
    async lastToken(kind, email) {
      const query = new URLSearchParams({ kind, email });
      const { status, body } = await testRoute(app, 'GET', `mail?${query}`);
      if (status !== 200) throw new Error(`no ${kind} mail was sent to ${email}`);
      return String(body.token);
    },
  };
}

/**
 * The FastAPI Users HTTP contract against the runtime app served by one runtime, then what only that
 * runtime can show: that it is the runtime, and which password hasher runs there (and that its
 * hashes verify on Node and Node's verify there). Returns the app's getter for the file's own
 * tests; the app starts once, on first use, and stops after the file.
 */
export function runtimeSuite(options: RuntimeSuiteOptions): () => Promise<RunningApp> {
  let started: Promise<RunningApp> | undefined;
  const app = (): Promise<RunningApp> => {
    started ??= options.start();
    return started;
  };
  afterAll(async () => {
    await (await started?.catch(() => undefined))?.stop();
  }, SPAWN_TIMEOUT);

  httpContractSuite({
    name: `${options.name}, Fetch handler`,
    timeout: SPAWN_TIMEOUT,
    skip: options.skip,
    target: async () => contractTarget(await app()),
  });

  describe(`${options.name}: runtime and password hasher`, () => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await app();
    }, SPAWN_TIMEOUT);

    test(`the app runs on ${options.expect.name} ${options.expect.version}`, async () => {
      const { status, body } = await testRoute(running, 'GET', 'runtime');
      expect(status).toBe(200);
      expect(body).toEqual(options.expect);
    });

    test('the test-only routes refuse a request without the key', async () => {
      const response = await fetch(`${running.url}/__test/runtime`);
      expect(response.status).toBe(404);
    });

    if (options.hasher === 'argon2id (native addon)') {
      test('the default hasher loads @node-rs/argon2 there; Node verifies its hashes', async () => {
        const { status, body } = await testRoute(running, 'POST', 'hash', { password: PASSWORD });
        expect(status, JSON.stringify(body)).toBe(200);
        const hash = String(body.hash);
        expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        const node = createPasswordHasher();
        expect(await node.verify(PASSWORD, hash)).toBe(true);
        expect(await node.verify(`${PASSWORD}!`, hash)).toBe(false);
      });

      test('it verifies argon2id hashes made on Node', async () => {
        const hash = await createPasswordHasher().hash(PASSWORD);
        const right = await testRoute(running, 'POST', 'verify', { password: PASSWORD, hash });
        const wrong = await testRoute(running, 'POST', 'verify', { password: 'nope', hash });
        expect([right.body.valid, wrong.body.valid]).toEqual([true, false]);
      });
    } else {
      test('the default PBKDF2 hasher runs there (600 000 iterations); Node verifies its hashes', async () => {
        const { status, body } = await testRoute(running, 'POST', 'hash', { password: PASSWORD });
        expect(status, JSON.stringify(body)).toBe(200);
        const hash = String(body.hash);
        expect(hash).toMatch(/^\$pbkdf2-sha256\$i=100000,r=6\$/);
        expect(await createPbkdf2PasswordHasher().verify(PASSWORD, hash)).toBe(true);
        // Node's default hasher verifies it too, and upgrades it to argon2id on the next login.
        const node = createPasswordHasher();
        expect(await node.verify(PASSWORD, hash)).toBe(true);
        expect(node.needsRehash(hash)).toBe(true);
      });

      test('it verifies PBKDF2 hashes made on Node', async () => {
        const hash = await createPbkdf2PasswordHasher().hash(PASSWORD);
        const right = await testRoute(running, 'POST', 'verify', { password: PASSWORD, hash });
        const wrong = await testRoute(running, 'POST', 'verify', { password: 'nope', hash });
        expect([right.body.valid, wrong.body.valid]).toEqual([true, false]);
      });

      test("core's default hasher says to supply a passwordHasher (no native addon)", async () => {
        const { status, body } = await testRoute(running, 'POST', 'default-hash', {
          password: PASSWORD,
        });
        expect(status).toBe(500);
        expect(body.detail).toMatch(
          /^PortcullisError: The default password hasher needs the native addon @node-rs\/argon2, .*Pass your own `passwordHasher`/,
        );
      });
    }
  });
  return app;
}
