import { ErrorCode, type User } from '@portcullis/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { createRedisStrategy, type RedisClientLike } from '../src/index';
import { cleanup, client, lookup, runPrefix, sleep, startProxy, user } from './helpers';

const prefix = runPrefix();
const redis = client();
afterAll(() => cleanup(prefix));

let counter = 0;
/** A strategy under a fresh sub-prefix, so each test sees only its own keys. */
function setup(lifetimeSeconds: number | null = 3600, on: RedisClientLike = redis) {
  counter += 1;
  const keyPrefix = `${prefix}${counter}:`;
  const strategy = createRedisStrategy({ redis: on, lifetimeSeconds, keyPrefix });
  const arthur = user('arthur@camelot.bt');
  const mordred = user('mordred@camelot.bt');
  return { strategy, keyPrefix, arthur, mordred, users: lookup([arthur, mordred]) };
}
const indexOf = (keyPrefix: string, u: User): string => `${keyPrefix}user:${u.id}`;

describe('Redis strategy: tokens', () => {
  test('writes a 43-character token keyed to the user id, expiring with the lifetime', async () => {
    const { strategy, keyPrefix, arthur } = setup(3600);
    const token = await strategy.writeToken(arthur);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await redis.get(`${keyPrefix}${token}`)).toBe(String(arthur.id));
    const ttl = await redis.pttl(`${keyPrefix}${token}`);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  test('reads its token back as the user; an unknown token is no user', async () => {
    const { strategy, arthur, users } = setup();
    const token = await strategy.writeToken(arthur);
    expect(await strategy.readToken(token, users)).toMatchObject({ id: arthur.id });
    expect(await strategy.readToken(`${token.slice(0, -1)}_`, users)).toBeNull();
  });

  test('malformed tokens never reach Redis as other keys (no WRONGTYPE 500)', async () => {
    const { strategy, arthur, users } = setup();
    await strategy.writeToken(arthur);
    for (const bad of [`user:${arthur.id}`, '', 'a b', 'x'.repeat(600), '*']) {
      expect(await strategy.readToken(bad, users)).toBeNull();
      await expect(strategy.destroyToken(bad, arthur)).resolves.toBeUndefined();
    }
    expect(users.ids).toEqual([]);
  });

  test('a token expires after its lifetime', async () => {
    const { strategy, arthur, users } = setup(0.3);
    const token = await strategy.writeToken(arthur);
    expect(await strategy.readToken(token, users)).not.toBeNull();
    await sleep(400);
    expect(await strategy.readToken(token, users)).toBeNull();
  });

  test('without a lifetime neither the token nor the index expires', async () => {
    const { strategy, keyPrefix, arthur } = setup(null);
    const token = await strategy.writeToken(arthur);
    expect(await redis.pttl(`${keyPrefix}${token}`)).toBe(-1);
    expect(await redis.pttl(indexOf(keyPrefix, arthur))).toBe(-1);
    expect(await redis.zscore(indexOf(keyPrefix, arthur), token)).toBe('inf');
  });

  test('logout deletes the token and its index entry, and only that token', async () => {
    const { strategy, keyPrefix, arthur, users } = setup();
    const token = await strategy.writeToken(arthur);
    const other = await strategy.writeToken(arthur);
    await strategy.destroyToken(token, arthur);
    expect(await strategy.readToken(token, users)).toBeNull();
    expect(await redis.exists(`${keyPrefix}${token}`)).toBe(0);
    expect(await redis.zrange(indexOf(keyPrefix, arthur), '0', '-1')).toEqual([other]);
    expect(await strategy.readToken(other, users)).toMatchObject({ id: arthur.id });
  });

  test('reads a session written by FastAPI Users under its key prefix', async () => {
    const keyPrefix = `${prefix}fastapi_users_token:`;
    const strategy = createRedisStrategy({ redis, keyPrefix });
    const arthur = user('arthur@camelot.bt');
    await redis.set(`${keyPrefix}LegacyToken_from-python-token_urlsafe32xxxx`, String(arthur.id));
    const found = await strategy.readToken('LegacyToken_from-python-token_urlsafe32xxxx', {
      findById: async (id) => (id === arthur.id ? arthur : null),
    });
    expect(found).toBe(arthur);
  });

  test('decodes replies of a client that returns bytes (upstream answers 500)', async () => {
    const bytes: RedisClientLike = {
      get: (key) => redis.getBuffer(key),
      eval: (...args) => redis.eval(...args),
      evalsha: (...args) => redis.evalsha(...args),
    };
    const { strategy, arthur, users } = setup(3600, bytes);
    const token = await strategy.writeToken(arthur);
    expect(await strategy.readToken(token, users)).toMatchObject({ id: arthur.id });
  });

  test('rejects a negative or non-numeric lifetime and a non-string prefix', () => {
    for (const lifetimeSeconds of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createRedisStrategy({ redis, lifetimeSeconds })).toThrow(/lifetimeSeconds/);
    }
    const keyPrefix = 5 as unknown as string;
    expect(() => createRedisStrategy({ redis, keyPrefix })).toThrow(/keyPrefix/);
  });
});

describe('Redis strategy: per-user index', () => {
  test('indexes the user’s tokens by expiry, and expires with the last', async () => {
    const { strategy, keyPrefix, arthur, mordred } = setup(3600);
    const a = await strategy.writeToken(arthur);
    const b = await strategy.writeToken(arthur);
    await strategy.writeToken(mordred);
    const index = indexOf(keyPrefix, arthur);
    expect((await redis.zrange(index, '0', '-1')).sort()).toEqual([a, b].sort());
    const score = Number(await redis.zscore(index, a));
    const now = Date.now();
    expect(score).toBeGreaterThan(now + 3_500_000);
    expect(score).toBeLessThanOrEqual(now + 3_600_000);
    const ttl = await redis.pttl(index);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  test('prunes entries of expired tokens on the next login', async () => {
    const short = setup(0.3);
    const stale = await short.strategy.writeToken(short.arthur);
    await sleep(400);
    const long = createRedisStrategy({ redis, lifetimeSeconds: 60, keyPrefix: short.keyPrefix });
    const fresh = await long.writeToken(short.arthur);
    const members = await redis.zrange(indexOf(short.keyPrefix, short.arthur), '0', '-1');
    expect(members).toEqual([fresh]);
    expect(members).not.toContain(stale);
  });

  test('revokeAllForUser logs the user out everywhere and leaves other users alone', async () => {
    const { strategy, keyPrefix, arthur, mordred, users } = setup();
    const mine = await Promise.all([1, 2, 3].map(() => strategy.writeToken(arthur)));
    const theirs = await strategy.writeToken(mordred);
    await strategy.revokeAllForUser(arthur);
    for (const token of mine) expect(await strategy.readToken(token, users)).toBeNull();
    expect(await redis.exists(indexOf(keyPrefix, arthur))).toBe(0);
    expect(await strategy.readToken(theirs, users)).toMatchObject({ id: mordred.id });
    // Logging in again afterwards works.
    const fresh = await strategy.writeToken(arthur);
    expect(await strategy.readToken(fresh, users)).toMatchObject({ id: arthur.id });
  });

  test('revokeAllForUser pages through more tokens than one script round deletes', async () => {
    const { strategy, keyPrefix, arthur, users } = setup();
    const tokens = await Promise.all(
      Array.from({ length: 1200 }, () => strategy.writeToken(arthur)),
    );
    await strategy.revokeAllForUser(arthur);
    expect(await redis.exists(indexOf(keyPrefix, arthur))).toBe(0);
    const left = await redis.exists(...tokens.map((t) => `${keyPrefix}${t}`));
    expect(left).toBe(0);
    expect(await strategy.readToken(tokens[0] as string, users)).toBeNull();
  });

  test('works through a client-side key prefix (ioredis keyPrefix)', async () => {
    const clientPrefix = `${prefix}client-side:`;
    const prefixed = client({ keyPrefix: clientPrefix });
    const strategy = createRedisStrategy({ redis: prefixed, keyPrefix: 'tok:' });
    const arthur = user('arthur@camelot.bt');
    const users = lookup([arthur]);
    const token = await strategy.writeToken(arthur);
    expect(await redis.get(`${clientPrefix}tok:${token}`)).toBe(String(arthur.id));
    await strategy.revokeAllForUser(arthur);
    expect(await redis.exists(`${clientPrefix}tok:${token}`)).toBe(0);
    expect(await strategy.readToken(token, users)).toBeNull();
  });

  test('concurrent logins and a revoke-all leave token keys and index in agreement', async () => {
    const { strategy, keyPrefix, arthur } = setup();
    const logins = Array.from({ length: 100 }, () => strategy.writeToken(arthur));
    const [tokens] = await Promise.all([Promise.all(logins), strategy.revokeAllForUser(arthur)]);
    const indexed = new Set(await redis.zrange(indexOf(keyPrefix, arthur), '0', '-1'));
    for (const token of tokens) {
      const exists = (await redis.exists(`${keyPrefix}${token}`)) === 1;
      // Every live token is in the index, and every indexed token is live (the scripts are
      // atomic: no login is half-written when revoke-all runs).
      expect(indexed.has(token)).toBe(exists);
    }
    await strategy.revokeAllForUser(arthur);
    for (const token of tokens) expect(await redis.exists(`${keyPrefix}${token}`)).toBe(0);
  });
});

describe('Redis strategy: scripts and outages', () => {
  test('falls back to EVAL when the server does not know a script (NOSCRIPT)', async () => {
    let evals = 0;
    const forgetful: RedisClientLike = {
      get: (key) => redis.get(key),
      eval: (...args) => {
        evals += 1;
        return redis.eval(...args);
      },
      evalsha: () => Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.')),
    };
    const { strategy, arthur, users } = setup(3600, forgetful);
    const token = await strategy.writeToken(arthur);
    expect(evals).toBe(1);
    expect(await strategy.readToken(token, users)).toMatchObject({ id: arthur.id });
  });

  test('an unreachable Redis is SERVICE_UNAVAILABLE, never "no user" or a 500', async () => {
    const proxy = await startProxy();
    const flaky = new Redis(proxy.url, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    flaky.on('error', () => undefined);
    await new Promise((resolve) => flaky.once('ready', resolve));
    const { strategy, arthur, users } = setup(3600, flaky);
    const token = await strategy.writeToken(arthur);
    expect(await strategy.readToken(token, users)).toMatchObject({ id: arthur.id });
    await proxy.refuse();
    await sleep(50);
    for (const attempt of [
      strategy.readToken(token, users),
      strategy.writeToken(arthur),
      strategy.destroyToken(token, arthur),
      strategy.revokeAllForUser(arthur),
    ]) {
      await expect(attempt).rejects.toMatchObject({
        code: ErrorCode.SERVICE_UNAVAILABLE,
        status: 503,
      });
    }
    flaky.disconnect();
  });
});
