import { fileURLToPath } from 'node:url';
import { httpContractSuite } from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The demo's own Redis connection helper: ioredis is a dependency of the shared demo code.
import { openRedis } from '../../shared/src/redis';
import {
  contractTarget,
  type RunningDemo,
  startDemo,
  startExpectingFailure,
} from '../../shared/src/testing/demo-process';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
/** The Redis strategy's default key prefix, which the demo keeps. */
const PREFIX = 'portcullis_token:';

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  body: new URLSearchParams(fields),
});

/** Keys this file created, deleted at the end (sessions otherwise expire after an hour). */
const created = new Set<string>();
const connection = openRedis(REDIS_URL, () => undefined);

/** Registers, logs in through the cookie backend of `demo`, and returns the cookie. */
async function cookieSession(demo: RunningDemo, email: string): Promise<string> {
  const password = 'round-table';
  await fetch(`${demo.base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const login = await fetch(`${demo.base}/auth/cookie/login`, form({ username: email, password }));
  expect(login.status).toBe(204);
  const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
  created.add(`${PREFIX}${cookie.slice(cookie.indexOf('=') + 1)}`);
  return cookie;
}

const me = (demo: RunningDemo, cookie: string) =>
  fetch(`${demo.base}/users/me`, { headers: { cookie } });

let first: RunningDemo | undefined;
let second: RunningDemo | undefined;
afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  const { redis, close } = await connection;
  for (const key of created) {
    const userId = await redis.get(key);
    await redis.del(key);
    if (userId) await redis.del(`${PREFIX}user:${userId}`);
  }
  await close();
});

// The FastAPI Users HTTP contract with REDIS_URL set: cookie sessions on the Redis strategy.
httpContractSuite({
  name: 'fastify demo with REDIS_URL (cookie backend on the Redis strategy)',
  mfa: true,
  async target() {
    first = await startDemo(appDir, { REDIS_URL });
    return contractTarget(first);
  },
});

describe('the fastify demo with REDIS_URL', () => {
  beforeAll(async () => {
    first ??= await startDemo(appDir, { REDIS_URL });
    // A second instance on the same database and Redis, as behind a load balancer.
    second = await startDemo(appDir, {
      REDIS_URL,
      DATABASE_URL: first.env.DATABASE_URL,
      SECRET: first.env.SECRET,
    });
  });

  test('keeps cookie sessions in Redis, not in the database', async () => {
    const { redis } = await connection;
    const d = first as RunningDemo;
    const cookie = await cookieSession(d, `redis.${Date.now()}@camelot.bt`);
    const key = `${PREFIX}${cookie.slice(cookie.indexOf('=') + 1)}`;
    const body = (await (await me(d, cookie)).json()) as { id: string };
    expect(await redis.get(key)).toBe(body.id);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await redis.zrange(`${PREFIX}user:${body.id}`, '0', '-1')).toContain(
      key.slice(PREFIX.length),
    );
  });

  test('a logout on one instance ends the session on the other at once', async () => {
    const [a, b] = [first as RunningDemo, second as RunningDemo];
    const cookie = await cookieSession(a, `twins.${Date.now()}@camelot.bt`);
    expect((await me(b, cookie)).status).toBe(200);
    const logout = await fetch(`${b.base}/auth/cookie/logout`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(logout.status).toBe(204);
    expect((await me(a, cookie)).status).toBe(401);
    expect((await me(b, cookie)).status).toBe(401);
  });

  test('refuses to start with a clear line when REDIS_URL is unusable', async () => {
    const cases: [string, RegExp][] = [
      ['redis://:hunter2-secret@127.0.0.1:9', /ECONNREFUSED/],
      ['http://127.0.0.1:6379', /must look like redis:\/\//],
    ];
    for (const [url, reason] of cases) {
      const result = await startExpectingFailure(appDir, { REDIS_URL: url });
      expect(result.code, url).toBe(1);
      expect(result.stderr, url).toMatch(/^error: REDIS_URL/m);
      expect(result.stderr, url).toMatch(reason);
      expect(result.stderr, url).not.toContain('hunter2');
    }
  }, 60_000);
});
