import { randomUUID } from 'node:crypto';
import { rateLimitStoreSuite, sessionStoreSuite } from '@portcullis/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createRedisRateLimitStore,
  createRedisRevocationStore,
  createRedisSessionStore,
  createRedisStrategy,
} from '../src/index';
import { lookup, user } from './helpers';
import { clusterUnavailable, type LocalRedisCluster, startRedisCluster } from './redis-cluster';

// Three masters started here: every store of the package on Redis Cluster, where a script may
// only touch keys of one hash slot.
const unavailable = await clusterUnavailable();
let cluster: LocalRedisCluster | undefined;
let redis: Cluster | undefined;

function connected(): Cluster {
  if (!redis) throw new Error('the cluster did not start');
  return redis;
}

describe.skipIf(unavailable !== null)(
  `on a local Redis Cluster${unavailable ? ` (${unavailable})` : ''}`,
  () => {
    beforeAll(async () => {
      cluster = await startRedisCluster();
      redis = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
    }, 60_000);
    afterAll(async () => {
      await redis?.quit().catch(() => redis?.disconnect());
      await cluster?.stop();
    });

    rateLimitStoreSuite({
      name: 'Redis Cluster',
      create: async () => createRedisRateLimitStore({ redis: connected() }),
    });

    sessionStoreSuite({
      name: 'Redis Cluster',
      create: async () => createRedisSessionStore({ redis: connected() }),
    });

    test('the Redis strategy logs in, reads, logs out and revokes everything on a cluster', async () => {
      const strategy = createRedisStrategy({ redis: connected(), lifetimeSeconds: 600 });
      const arthur = user(`arthur.${randomUUID()}@camelot.bt`);
      const users = lookup([arthur]);
      const tokens = await Promise.all(
        Array.from({ length: 5 }, () => strategy.writeToken(arthur)),
      );
      for (const token of tokens)
        expect(await strategy.readToken(token, users)).toMatchObject({ id: arthur.id });
      await strategy.destroyToken(tokens[0] as string, arthur);
      expect(await strategy.readToken(tokens[0] as string, users)).toBeNull();
      await strategy.revokeAllForUser(arthur);
      for (const token of tokens) expect(await strategy.readToken(token, users)).toBeNull();
    });

    test("the Redis strategy spreads users' tokens over the cluster's slots", async () => {
      const strategy = createRedisStrategy({ redis: connected(), lifetimeSeconds: 600 });
      const owners = Array.from({ length: 12 }, (_, i) =>
        user(`knight${i}.${randomUUID()}@camelot.bt`),
      );
      const tokens = await Promise.all(owners.map((owner) => strategy.writeToken(owner)));
      const masters = connected().nodes('master');
      const perNode = await Promise.all(masters.map((node) => node.keys('portcullis_token:{*')));
      expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
      for (const token of tokens) {
        const key = `portcullis_token:{${token.slice(0, 8)}}:${token}`;
        expect(await connected().get(key)).not.toBeNull();
      }
      await Promise.all(owners.map((owner) => strategy.revokeAllForUser(owner)));
      expect(tokens).toHaveLength(12);
    });

    test('the revocation store works on a cluster', async () => {
      const store = createRedisRevocationStore({ redis: connected() });
      const jti = randomUUID();
      await store.revoke(jti, new Date(Date.now() + 60_000));
      expect(await store.isRevoked(jti)).toBe(true);
      const userId = randomUUID();
      const before = new Date();
      await store.revokeAllForUser(userId, before, new Date(Date.now() + 60_000));
      expect((await store.revokedBefore(userId))?.getTime()).toBe(before.getTime());
    });
  },
);
