// Client
export type { RedisClientLike } from './redis-client';

// Strategy: opaque tokens with a per-user index
export type { RedisStrategy, RedisStrategyOptions } from './redis-strategy';
export { createRedisStrategy } from './redis-strategy';

// JWT revocation list
export type { RedisRevocationStoreOptions } from './revocation-store';
export { createRedisRevocationStore } from './revocation-store';
