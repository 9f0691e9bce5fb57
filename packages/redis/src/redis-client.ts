/**
 * The part of a Redis client the package uses, typed structurally (Kysely's habit for drivers)
 * so the package has no dependency on ioredis: an ioredis 5 or 6 `Redis` instance fits as is.
 * Replies must be strings (ioredis' default). Upstream's Redis strategy fails with a 500 when
 * a client returns bytes (see docs/contract/behaviour.md#redis-strategy); this package decodes them instead.
 *
 * An ioredis `Cluster` fits too: every script's keys share a `{…}` hash tag (the Redis
 * strategy switches to its cluster layout, see `RedisStrategyOptions.cluster`).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis: RedisClientLike = new Redis(process.env.REDIS_URL!, redisClientOptions());
 * ```
 */
export interface RedisClientLike {
  get(key: string): Promise<string | Uint8Array | null>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** True on an ioredis `Cluster`. */
  readonly isCluster?: boolean;
  /**
   * The connection state, as ioredis reports it (`ready`, `reconnecting`, …). Optional: when it
   * says the client is between connection attempts, calls fail at once with a 503 instead of
   * waiting for the next attempt.
   */
  readonly status?: string;
}
