import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  ErrorCode,
} from '@portcullis/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import { createSqlUserStore, migrateToLatest, openSqlDatabase } from '../src/index';
import { createTestDatabase, type TestDatabase } from './databases';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const SECRET = 'outage-secret-outage-secret-outage-secret';
const PASSWORD = 'round-table';

function throughProxy(url: string, proxy: TcpProxy): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return proxied.toString();
}

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

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`a ${dialect} outage behind a TCP proxy`, () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let db: Kysely<PortcullisDatabase>;
    const email = `outage.${Date.now().toString(36)}@camelot.bt`;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      await migrateToLatest(database.open());
      const target = new URL(database.url);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      db = openSqlDatabase(throughProxy(database.url, proxy), {
        connectTimeoutMs: 1000,
        queryTimeoutMs: 2000,
        poolSize: 2,
      });
      expect((await createApp(db).register(email)).status).toBe(201);
    });
    afterAll(async () => {
      await db.destroy();
      await proxy.close();
      await database.drop();
    });

    it('reports SERVICE_UNAVAILABLE once connections drop and are refused', async () => {
      await proxy.cut();
      const users = createSqlUserStore(db);
      const error = await users.getByEmail(email).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
      expect((error as Error).message).not.toContain('outage');
    });

    it('answers a route with 503 {"detail":"SERVICE_UNAVAILABLE"}, not a 500', async () => {
      const response = await createApp(db).login(email);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ detail: 'SERVICE_UNAVAILABLE' });
    });

    it('gives up on a server that accepts but never answers, at the connect timeout', async () => {
      await proxy.blackhole();
      await expect(createSqlUserStore(db).getByEmail(email)).rejects.toMatchObject({
        code: ErrorCode.SERVICE_UNAVAILABLE,
      });
      expect((await createApp(db).login(email)).status).toBe(503);
    });

    it('recovers by itself once the database is reachable again', async () => {
      await proxy.restore();
      expect((await createSqlUserStore(db).getByEmail(email))?.email).toBe(email);
      expect((await createApp(db).login(email)).status).toBe(200);
    });
  });
}
