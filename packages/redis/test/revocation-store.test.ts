import { ErrorCode } from '@portcullis/core';
import { createTokenId } from '@portcullis/core/adapter';
import { revocationStoreSuite } from '@portcullis/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { createRedisRevocationStore } from '../src/index';
import { cleanup, client, runPrefix, sleep, startProxy } from './helpers';

const prefix = runPrefix();
const redis = client();
afterAll(() => cleanup(prefix));

let counter = 0;
function setup() {
  counter += 1;
  const keyPrefix = `${prefix}${counter}:`;
  return { store: createRedisRevocationStore({ redis, keyPrefix }), keyPrefix };
}

describe('Redis revocation store', () => {
  test('a revoked jti is revoked until the token expires, then its key is gone', async () => {
    const { store, keyPrefix } = setup();
    const jti = createTokenId();
    const expiresAt = new Date(Date.now() + 60_000);
    expect(await store.isRevoked(jti)).toBe(false);
    await store.revoke(jti, expiresAt);
    expect(await store.isRevoked(jti)).toBe(true);
    expect(await store.isRevoked(createTokenId())).toBe(false);
    expect(await redis.pexpiretime(`${keyPrefix}jti:${jti}`)).toBe(expiresAt.getTime());
  });

  test('a token without expiry is revoked for good; an expired one is not stored', async () => {
    const { store, keyPrefix } = setup();
    const forever = createTokenId();
    const expired = createTokenId();
    await store.revoke(forever, null);
    await store.revoke(expired, new Date(Date.now() - 1000));
    expect(await redis.pttl(`${keyPrefix}jti:${forever}`)).toBe(-1);
    expect(await redis.exists(`${keyPrefix}jti:${expired}`)).toBe(0);
  });

  test('an unreachable Redis is SERVICE_UNAVAILABLE', async () => {
    const proxy = await startProxy();
    const flaky = new Redis(proxy.url, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    flaky.on('error', () => undefined);
    await new Promise((resolve) => flaky.once('ready', resolve));
    const store = createRedisRevocationStore({ redis: flaky, keyPrefix: `${prefix}down:` });
    await proxy.refuse();
    await sleep(50);
    await expect(store.isRevoked(createTokenId())).rejects.toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
    });
    await expect(store.revoke(createTokenId(), null)).rejects.toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
    });
    flaky.disconnect();
  });
});

// The shared cases (jti, expiry, cut-offs, logouts across strategy instances).
const shared = `${prefix}shared:`;
revocationStoreSuite({
  name: 'Redis',
  create: async () => createRedisRevocationStore({ redis, keyPrefix: shared }),
});
