import { ErrorCode } from '@portcullis/core';
import { sessionStoreSuite } from '@portcullis/testing';
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { createRedisSessionStore } from '../src/index';
import { cleanup, client, runPrefix, startProxy } from './helpers';

const prefix = runPrefix();
afterAll(() => cleanup(prefix));

sessionStoreSuite({
  name: 'Redis',
  create: async () => createRedisSessionStore({ redis: client(), keyPrefix: prefix }),
});

sessionStoreSuite({
  name: 'Redis, integer user ids',
  create: async () => createRedisSessionStore({ redis: client(), keyPrefix: `${prefix}int:` }),
  userId: (() => {
    let next = 1000;
    return async () => ++next;
  })(),
});

test('a session key expires with the session, and its index and pointer go with a delete', async () => {
  const redis = client();
  const sessions = createRedisSessionStore({ redis, keyPrefix: `${prefix}ttl:` });
  const expiresAt = new Date(Date.now() + 60_000);
  await sessions.create({
    id: 'ttl-1',
    user_id: 'u-1',
    backend: 'session',
    expires_at: expiresAt,
    user_agent: null,
    ip: null,
    auth_time: new Date(),
    mfa: false,
    token_key: 'ab'.repeat(32),
    refresh_generation: 0,
  });
  const expiry = await redis.pexpiretime(`${prefix}ttl:s:ttl-1`);
  expect(expiry).toBe(expiresAt.getTime());
  expect(await redis.pexpiretime(`${prefix}ttl:k:${'ab'.repeat(32)}`)).toBe(expiresAt.getTime());
  expect(await sessions.delete('ttl-1')).toBe(true);
  expect(await redis.exists(`${prefix}ttl:k:${'ab'.repeat(32)}`)).toBe(0);
  expect(await redis.zcard(`${prefix}ttl:u:u-1`)).toBe(0);
});

test('a silent Redis makes session calls fail with SERVICE_UNAVAILABLE within commandTimeoutMs', async () => {
  const proxy = await startProxy();
  const flaky = new Redis(proxy.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  flaky.on('error', () => undefined);
  await new Promise((resolve) => flaky.once('ready', resolve));
  const sessions = createRedisSessionStore({
    redis: flaky,
    keyPrefix: `${prefix}down:`,
    commandTimeoutMs: 200,
  });
  await proxy.silence();
  await expect(sessions.getByTokenKey('ab'.repeat(32))).rejects.toMatchObject({
    code: ErrorCode.SERVICE_UNAVAILABLE,
  });
  await expect(sessions.deleteAllForUser('u-1')).rejects.toMatchObject({
    code: ErrorCode.SERVICE_UNAVAILABLE,
  });
  flaky.disconnect();
});
