// Client
export type { RedisClientLike } from './redis-client';
export type { RedisClientOptions, RedisClientOptionsInput } from './redis-client-options';
export { redisClientOptions } from './redis-client-options';

// Strategy: opaque tokens with a per-user index
export type { RedisStrategy, RedisStrategyOptions } from './redis-strategy';
export { createRedisStrategy } from './redis-strategy';

// JWT revocation list
export type { RedisRevocationStoreOptions } from './revocation-store';
export { createRedisRevocationStore } from './revocation-store';
