import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  ErrorCode,
} from '@portcullis/core';
import { startTcpProxy, type TcpProxy } from '@portcullis/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import {
  createSqlSessionStore,
  createSqlUserStore,
  migrateToLatest,
  openSqlDatabase,
} from '../src/index';
import { createTestDatabase, type TestDatabase } from './databases';

// Outages are simulated by a TCP proxy between the stores and the shared server, in the two
// ways a database fails: it refuses (connections reset, new ones refused) or it goes silent
// (connections accepted, nothing answered, as a SIGSTOPped server). The stores run with their
// default timeouts, as an app that sets none: the bounds asserted are what users get.

const SECRET = 'outage-secret-outage-secret-outage-secret';
const PASSWORD = 'round-table';
/** A request during an outage answers within this (the default timeouts are 5 s). */
const ANSWER_WITHIN_MS = 6000;
/** Once the database is back, requests succeed again within this. */
const RECOVER_WITHIN_MS = 5000;

function createApp(db: Kysely<PortcullisDatabase>) {
  const portcullis = createPortcullis({
    userManager: {
      users: createSqlUserStore(db),
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth', portcullis.registerRouter()],
    ['/auth/jwt', portcullis.authRouter('jwt')],
  ]);
  return {
    register: (email: string) =>
      handler.fetch(
        new Request('http://outage.test/auth/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        }),
      ),
    login: (email: string) =>
      handler.fetch(
        new Request('http://outage.test/auth/jwt/login', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username: email, password: PASSWORD }).toString(),
        }),
      ),
  };
}

/** A response and how long it took, from the request's start. */
async function timed(send: () => Promise<Response>): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await send();
  return { response, ms: performance.now() - started };
}

/** Sends until a response has `status`; how long that took, or Infinity past `limitMs`. */
async function timeUntil(
  status: number,
  send: () => Promise<Response>,
  limitMs: number,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await send()).status === status) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number.POSITIVE_INFINITY;
}

async function expectServiceUnavailable(result: { response: Response; ms: number }) {
  expect(result.response.status).toBe(503);
  expect(result.response.headers.get('retry-after')).toBe('5');
  expect(await result.response.json()).toEqual({ detail: ErrorCode.SERVICE_UNAVAILABLE });
  expect(result.ms).toBeLessThan(ANSWER_WITHIN_MS);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const run = Date.now().toString(36);

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`a ${dialect} outage behind a TCP proxy, default timeouts`, () => {
    let database: TestDatabase;
    let direct: Kysely<PortcullisDatabase>;
    let proxy: TcpProxy;
    let db: Kysely<PortcullisDatabase>;
    let app: ReturnType<typeof createApp>;
    const known = `known.${run}@camelot.bt`;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      direct = database.open();
      await migrateToLatest(direct);
      const target = new URL(database.url);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      db = openSqlDatabase(proxy.urlThrough(database.url));
      app = createApp(db);
      expect((await app.register(known)).status).toBe(201);
    });
    afterAll(async () => {
      await db.destroy();
      await proxy.close();
      await database.drop();
    });

    for (const mode of ['refuse', 'silent'] as const) {
      it(`${mode}: a registration cut mid-way and a login answer 503 with Retry-After within 6 s, leave a whole user or none, and the service recovers within 5 s`, async ({
        annotate,
      }) => {
        const email = `cut.${mode}.${run}@camelot.bt`;
        // The registration's INSERT reaches the server; nothing after it comes back.
        const cut = proxy.switchAfter('insert into', mode);
        const registering = timed(() => app.register(email));
        await cut;
        const [registration, login] = await Promise.all([
          registering,
          timed(() => app.login(known)),
        ]);
        await expectServiceUnavailable(registration);
        await expectServiceUnavailable(login);

        await proxy.forward();
        const recovery = await timeUntil(200, () => app.login(known), RECOVER_WITHIN_MS);
        expect(recovery).toBeLessThan(RECOVER_WITHIN_MS);

        // The cut registration left a whole user (PostgreSQL commits the single INSERT) or
        // none (MySQL's insert-and-read transaction never committed): registering again says
        // which, and the password works either way.
        const rows = await direct
          .selectFrom('user')
          .selectAll()
          .where('email', '=', email)
          .execute();
        expect(rows.length).toBeLessThanOrEqual(1);
        await annotate(
          `503 after ${seconds(registration.ms)} (registration), ${seconds(login.ms)} (login); ` +
            `recovered ${seconds(recovery)} after the proxy forwarded again; ` +
            `the cut registration left ${rows.length === 1 ? 'a whole user' : 'no user'}`,
        );
        const again = await app.register(email);
        expect(again.status).toBe(rows.length === 1 ? 400 : 201);
        expect((await app.login(email)).status).toBe(200);
      }, 30_000);
    }

    it('a request during an outage fails with SERVICE_UNAVAILABLE, never a 500', async () => {
      await proxy.refuse();
      const error = await createSqlUserStore(db)
        .getByEmail(known)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
      expect((error as Error).message).not.toContain(known);
      const id = crypto.randomUUID();
      const byIdError = await createSqlUserStore(db)
        .get(id)
        .catch((e: unknown) => e);
      expect(byIdError).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
      const key = 'ab'.repeat(32);
      const sessionError = await createSqlSessionStore(db)
        .getByTokenKey(key)
        .catch((e: unknown) => e);
      expect(sessionError).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
      expect((sessionError as Error).message).not.toContain(key);
      const joined = createSqlSessionStore(db, { users: createSqlUserStore(db) });
      const joinError = await joined.getByTokenKeyWithUser?.(key).catch((e: unknown) => e);
      expect(joinError).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
      expect((joinError as Error).message).not.toContain(key);
      await proxy.forward();
      expect(await timeUntil(200, () => app.login(known), RECOVER_WITHIN_MS)).toBeLessThan(
        RECOVER_WITHIN_MS,
      );
    });
  });
}
