// Client
export type { RedisClientLike } from './redis-client';
export type { RedisClientOptions, RedisClientOptionsInput } from './redis-client-options';
export { redisClientOptions } from './redis-client-options';

// Strategy: opaque tokens with a per-user index
export type { RedisStrategy, RedisStrategyOptions } from './redis-strategy';
export { createRedisStrategy } from './redis-strategy';

// Sessions: records of logins, listed per user, rotated by compare-and-set
export type { RedisSessionStoreOptions } from './session-store';
export { createRedisSessionStore } from './session-store';

// Rate-limit store: login throttling and per-address limits shared by every instance
export type { RedisRateLimitStoreOptions } from './rate-limit-store';
export { createRedisRateLimitStore } from './rate-limit-store';

// JWT revocation list
export type { RedisRevocationStoreOptions } from './revocation-store';
export { createRedisRevocationStore } from './revocation-store';
