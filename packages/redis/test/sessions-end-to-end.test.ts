import { sessionDumpSuite, sessionLifecycleSuite } from '@portcullis/testing';
import { afterAll } from 'vitest';
import { createMemoryUserStore } from '../../core/test/memory-store';
import { createRedisSessionStore } from '../src/index';
import { cleanup, client, runPrefix } from './helpers';

const prefix = runPrefix();
afterAll(() => cleanup(prefix));

let round = 0;

// The dump is every key under the store's prefix with its value (hash fields, set members,
// strings), as a copy of the keyspace would hold them.
sessionDumpSuite({
  name: 'Redis',
  async create() {
    const redis = client();
    const keyPrefix = `${prefix}${++round}:`;
    return {
      users: createMemoryUserStore(),
      sessions: createRedisSessionStore({ redis, keyPrefix }),
      async dump() {
        const keys = await redis.keys(`${keyPrefix}*`);
        const out: Record<string, unknown> = {};
        for (const key of keys) {
          const type = await redis.type(key);
          if (type === 'hash') out[key] = await redis.hgetall(key);
          else if (type === 'zset') out[key] = await redis.zrange(key, '0', '-1');
          else out[key] = await redis.get(key);
        }
        return out;
      },
    };
  },
});

// Two app instances on one Redis: refresh races, reuse, and revocation seen by the other.
sessionLifecycleSuite({
  name: 'Redis',
  create: async () => ({
    users: createMemoryUserStore(),
    sessions: createRedisSessionStore({ redis: client(), keyPrefix: `${prefix}life:` }),
  }),
});
