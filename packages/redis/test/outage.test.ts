import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  ErrorCode,
  type User,
} from '@portcullis/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { createMemoryUserStore } from '../../core/test/memory-store';
import { createRedisRevocationStore, createRedisStrategy, redisClientOptions } from '../src/index';
import { cleanup, client, lookup, runPrefix, startProxy } from './helpers';

// Outages are simulated by a TCP proxy between the app and the shared Redis, in the two ways a
// server fails: it refuses (connections reset, new ones refused) or it goes silent (accepted,
// nothing answered, as a SIGSTOPped server). The stores run with their default bounds; the app's
// client uses redisClientOptions(), as the docs and the demo do.

const prefix = runPrefix();
afterAll(() => cleanup(prefix));

const SECRET = 'redis-outage-secret-redis-outage-secret';
const PASSWORD = 'round-table';
/** A request during an outage answers within this (the default bounds are 5 s). */
const ANSWER_WITHIN_MS = 6000;
/** Once Redis is back, requests succeed again within this. */
const RECOVER_WITHIN_MS = 5000;

const opened: Redis[] = [];
afterAll(() => {
  for (const redis of opened) redis.disconnect();
});

/** A client through the proxy, connected before it is used, its errors expected. */
async function clientThrough(url: string, options: object): Promise<Redis> {
  const redis = new Redis(url, { ...options, lazyConnect: true });
  redis.on('error', () => undefined);
  opened.push(redis);
  await redis.connect();
  return redis;
}

/** An app whose cookie sessions (Redis strategy) and JWT revocations live in Redis. */
function createApp(redis: Redis, keys: string) {
  const users = createMemoryUserStore();
  const portcullis = createPortcullis({
    userManager: {
      users,
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({
          secret: SECRET,
          lifetimeSeconds: 3600,
          revocation: createRedisRevocationStore({ redis, keyPrefix: `${keys}revoked:` }),
        }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: 3600 }),
        strategy: createRedisStrategy({ redis, lifetimeSeconds: 3600, keyPrefix: `${keys}tok:` }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/users', portcullis.usersRouter()],
  ]);
  const call = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    handler.fetch(new Request(`http://outage.test${path}`, { method, headers, body }));
  const login = (backend: 'jwt' | 'cookie', email: string) =>
    call(
      'POST',
      `/auth/${backend}/login`,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ username: email, password: PASSWORD }).toString(),
    );
  return {
    portcullis,
    cookieLogin: (email: string) => login('cookie', email),
    async bearer(email: string): Promise<string> {
      const response = await login('jwt', email);
      expect(response.status).toBe(200);
      return `Bearer ${((await response.json()) as { access_token: string }).access_token}`;
    },
    async cookie(email: string): Promise<string> {
      const response = await login('cookie', email);
      expect(response.status).toBe(204);
      return (response.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    },
    me: (headers: Record<string, string>) => call('GET', '/users/me', headers),
  };
}

/** A response and how long it took, from the request's start. */
async function timed<T>(send: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await send();
  return { result, ms: performance.now() - started };
}

/** Sends until a response has `status`; how long that took, or Infinity past `limitMs`. */
async function timeUntil(status: number, send: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < RECOVER_WITHIN_MS) {
    if ((await send()).status === status) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number.POSITIVE_INFINITY;
}

async function expectServiceUnavailable({ result, ms }: { result: Response; ms: number }) {
  expect(result.status).toBe(503);
  expect(result.headers.get('retry-after')).toBe('5');
  expect(await result.json()).toEqual({ detail: ErrorCode.SERVICE_UNAVAILABLE });
  expect(result.headers.getSetCookie()).toEqual([]);
  expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
}

/** Every token key under the strategy's prefix has its index entry, and the other way round. */
async function expectTokensAndIndexAgree(keys: string, user: User): Promise<number> {
  const redis = client();
  const index = await redis.zrange(`${keys}tok:user:${user.id}`, '0', '-1');
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await redis.scan(cursor, 'MATCH', `${keys}tok:*`, 'COUNT', 1000);
    found.push(...page);
    cursor = next;
  } while (cursor !== '0');
  const tokens = found
    .map((key) => key.slice(`${keys}tok:`.length))
    .filter((token) => !token.startsWith('user:'));
  expect(tokens.sort()).toEqual([...index].sort());
  return tokens.length;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

describe('a Redis outage behind a TCP proxy, default bounds', () => {
  for (const mode of ['refuse', 'silent'] as const) {
    test(`${mode}: a login cut mid-way, a cookie and a JWT check answer 503 with Retry-After within 6 s, the session is whole or absent, and the service recovers within 5 s`, async ({
      annotate,
    }) => {
      const keys = `${prefix}${mode}:`;
      const proxy = await startProxy();
      const app = createApp(await clientThrough(proxy.url, redisClientOptions()), keys);
      // A strategy on a client with ioredis' own defaults: the stores' bound holds without help.
      const bare = createRedisStrategy({
        redis: await clientThrough(proxy.url, {}),
        keyPrefix: `${keys}tok:`,
      });
      const email = `${mode}.outage@camelot.bt`;
      const user = await app.portcullis.userManager.create({ email, password: PASSWORD });
      const cookie = await app.cookie(email);
      const bearer = await app.bearer(email);
      const token = cookie.slice(cookie.indexOf('=') + 1);

      // The login's script reaches Redis; nothing after it comes back.
      const cut = proxy.switchAfter('evalsha', mode);
      const loggingIn = timed(() => app.cookieLogin(email));
      await cut;
      const [login, withCookie, withBearer, bareRead] = await Promise.all([
        loggingIn,
        timed(() => app.me({ cookie })),
        timed(() => app.me({ authorization: bearer })),
        timed(() => bare.readToken(token, lookup([user])).catch((e: unknown) => e)),
      ]);
      for (const answer of [login, withCookie, withBearer]) await expectServiceUnavailable(answer);
      expect(bareRead.result).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
      expect(bareRead.ms).toBeLessThan(ANSWER_WITHIN_MS);

      await proxy.forward();
      const recovery = await timeUntil(200, () => app.me({ cookie }));
      expect(recovery).toBeLessThan(RECOVER_WITHIN_MS);
      expect((await app.me({ authorization: bearer })).status).toBe(200);

      // Login is one script: the cut one wrote its token and index entry both, or neither.
      const sessions = await expectTokensAndIndexAgree(keys, user);
      expect([1, 2]).toContain(sessions);
      await annotate(
        `503 after ${seconds(login.ms)} (login), ${seconds(withCookie.ms)} (cookie), ` +
          `${seconds(withBearer.ms)} (JWT revocation check), ${seconds(bareRead.ms)} (client ` +
          `with ioredis defaults); recovered ${seconds(recovery)} after the proxy forwarded ` +
          `again; the cut login left ${sessions === 2 ? 'a whole session' : 'no session'}`,
      );
    }, 30_000);
  }
});
