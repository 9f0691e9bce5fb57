import { ErrorCode } from '@portcullis/core';
import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import type { RedisClientLike } from './redis-client';
import { redisClientOptions } from './redis-client-options';
import { createRedisStrategy } from './redis-strategy';
import { createRedisRevocationStore } from './revocation-store';

const redis: RedisClientLike = {
  get: async () => null,
  eval: async () => null,
  evalsha: async () => null,
};

describe('redisClientOptions', () => {
  test('bounds connect and commands at 5 s and backs off from 50 ms to at most 1 s', () => {
    const options = redisClientOptions();
    expect(options).toMatchObject({
      connectTimeout: 5000,
      commandTimeout: 5000,
      socketTimeout: 5000,
      maxRetriesPerRequest: 1,
    });
    const delays = [1, 2, 3, 4, 5, 6, 50, 5000].map((times) => options.retryStrategy(times));
    expect(delays).toEqual([50, 100, 200, 400, 800, 1000, 1000, 1000]);
  });

  test('takes other bounds, and fits an ioredis client as they are', () => {
    const options = redisClientOptions({
      connectTimeoutMs: 2000,
      commandTimeoutMs: 1500,
      maxReconnectDelayMs: 300,
    });
    expect(options).toMatchObject({ connectTimeout: 2000, commandTimeout: 1500 });
    expect(options.retryStrategy(10)).toBe(300);
    const client = new Redis({ ...options, lazyConnect: true });
    expect(client.options.commandTimeout).toBe(1500);
    client.disconnect();
  });
});

describe('timeout options are checked at creation, naming the function and the option', () => {
  test.each([
    [-5, 'must be a positive number (got -5)'],
    [0, 'must be a positive number (got 0)'],
    [Number.NaN, 'must be a positive number (got NaN)'],
    ['5000', 'must be a positive number (got a string)'],
    [3e9, 'must be at most 2147483647 (got 3000000000)'],
  ])('commandTimeoutMs %j', (value, message) => {
    const commandTimeoutMs = value as number;
    const expected = (caller: string) =>
      expect.objectContaining({
        code: ErrorCode.CONFIGURATION,
        message: `${caller}: commandTimeoutMs ${message}`,
      });
    expect(() => createRedisStrategy({ redis, commandTimeoutMs })).toThrowError(
      expected('createRedisStrategy'),
    );
    expect(() => createRedisRevocationStore({ redis, commandTimeoutMs })).toThrowError(
      expected('createRedisRevocationStore'),
    );
    expect(() => redisClientOptions({ commandTimeoutMs })).toThrowError(
      expected('redisClientOptions'),
    );
  });

  test('connectTimeoutMs and maxReconnectDelayMs too', () => {
    expect(() => redisClientOptions({ connectTimeoutMs: -1 })).toThrowError(
      'redisClientOptions: connectTimeoutMs must be a positive number (got -1)',
    );
    expect(() => redisClientOptions({ maxReconnectDelayMs: 0 })).toThrowError(
      'redisClientOptions: maxReconnectDelayMs must be a positive number (got 0)',
    );
  });
});

describe('bounded calls', () => {
  const user = {
    id: 'u1',
    email: 'kay@camelot.bt',
    hashed_password: 'x',
    is_active: true,
    is_superuser: false,
    is_verified: false,
  };
  const users = { findById: async () => user };

  test('fail at once with SERVICE_UNAVAILABLE while the client is reconnecting', async () => {
    const calls: string[] = [];
    const down: RedisClientLike = {
      status: 'reconnecting',
      get: async (key) => {
        calls.push(key);
        return null;
      },
      eval: async () => null,
      evalsha: async () => null,
    };
    const strategy = createRedisStrategy({ redis: down });
    await expect(strategy.readToken('a'.repeat(43), users)).rejects.toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
      status: 503,
    });
    await expect(strategy.writeToken(user)).rejects.toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
    });
    expect(calls).toEqual([]);
  });

  test('fail with SERVICE_UNAVAILABLE once commandTimeoutMs passes without an answer', async () => {
    const never = new Promise<never>(() => undefined);
    const silent: RedisClientLike = {
      status: 'ready',
      get: () => never,
      eval: () => never,
      evalsha: () => never,
    };
    const store = createRedisRevocationStore({ redis: silent, commandTimeoutMs: 20 });
    const error = await store.isRevoked('jti-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
    expect((error as Error).message).toBe('Redis did not answer within 20 ms');
  });
});
