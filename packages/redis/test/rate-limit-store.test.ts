import { rateLimitStoreSuite } from '@portcullis/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisRateLimitStore } from '../src/index';
import { cleanup, client, runPrefix, startProxy } from './helpers';

const prefix = runPrefix();
afterAll(() => cleanup(prefix));

rateLimitStoreSuite({
  name: 'Redis',
  create: async () => createRedisRateLimitStore({ redis: client(), keyPrefix: prefix }),
});

describe('the Redis rate-limit store', () => {
  it('refuses a key prefix with a hash tag in it', () => {
    expect(() => createRedisRateLimitStore({ redis: client(), keyPrefix: 'rl:{x}:' })).toThrow(
      'hash tag',
    );
  });

  it('rejects promptly when Redis is unreachable (the limiter then fails open)', async () => {
    const proxy = await startProxy();
    // A store on a client pointed at the proxy, which then refuses every connection.
    const redis = new Redis(proxy.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    const store = createRedisRateLimitStore({ redis, keyPrefix: prefix, commandTimeoutMs: 500 });
    expect((await store.hit('addr:{x}', 60_000, Date.now())).count).toBe(1);
    await proxy.refuse();
    await expect(store.hit('addr:{x}', 60_000, Date.now())).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    redis.disconnect();
  });
});
