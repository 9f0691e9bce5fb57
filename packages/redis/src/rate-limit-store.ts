import type { RateLimitStore } from '@portcullis/core';
import type {
  AttemptKey,
  AttemptOutcome,
  AttemptPolicy,
  WindowCount,
} from '@portcullis/core/adapter';
import { DEFAULT_STORE_TIMEOUT_MS, timeoutOption } from '@portcullis/core/adapter';
import type { BoundedRedis } from './internal/bounded';
import { keyPrefix } from './internal/options';
import { defineScript } from './internal/script';
import type { RedisClientLike } from './redis-client';

export interface RedisRateLimitStoreOptions {
  /** An ioredis `Redis` or `Cluster` (or anything shaped like one). */
  redis: RedisClientLike;
  /** Prefix of every key. Default `portcullis_rl:`. Must not contain `{` (the hash tags). */
  keyPrefix?: string;
  /**
   * How long one check may wait for Redis, in milliseconds, before it fails (the limiter then
   * lets the request through, logged). Default 5 000; the limiter's own `storeTimeoutMs`
   * (1 000 by default) usually gives up first.
   */
  commandTimeoutMs?: number;
}

// Each key is a hash: c = count, u = window or lock end (ms), e = when the count is forgotten
// (ms). Times come from the caller; PEXPIRE only reclaims memory once an entry no longer
// matters, so a clock difference between the app and Redis never changes a decision.
const FMT = `local function fmt(n) return string.format('%.0f', n) end\n`;

// KEYS: the counter. ARGV: window ms, now ms.
const HIT = defineScript(`${FMT}
local w = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'c', 'u')
local u = tonumber(v[2])
if u and u > now then
  return {redis.call('HINCRBY', KEYS[1], 'c', 1), fmt(u)}
end
redis.call('HSET', KEYS[1], 'c', 1, 'u', fmt(now + w))
redis.call('PEXPIRE', KEYS[1], w)
return {1, fmt(now + w)}
`);

// KEYS: the attempt's keys (one hash slot). ARGV: now, initial delay, max delay, forget after,
// then one threshold per key. Returns {1} or {0, lock end, index of the key holding it}.
const ATTEMPT = defineScript(`${FMT}
local now = tonumber(ARGV[1])
local initial = tonumber(ARGV[2])
local maxDelay = tonumber(ARGV[3])
local forget = tonumber(ARGV[4])
local counts = {}
local lockedUntil = 0
local lockedKey = 0
for i, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 'c', 'u', 'e')
  local c = tonumber(v[1]) or 0
  local u = tonumber(v[2]) or 0
  if (tonumber(v[3]) or 0) <= now then c = 0; u = 0 end
  if u > now and u > lockedUntil then lockedUntil = u; lockedKey = i end
  counts[i] = c
end
if lockedKey > 0 then return {0, fmt(lockedUntil), lockedKey} end
for i, key in ipairs(KEYS) do
  local c = counts[i] + 1
  local threshold = tonumber(ARGV[4 + i])
  local u = 0
  if c >= threshold then u = now + math.min(maxDelay, initial * 2 ^ math.min(c - threshold, 20)) end
  redis.call('HSET', key, 'c', c, 'u', fmt(u), 'e', fmt(now + forget))
  redis.call('PEXPIRE', key, forget)
end
return {1}
`);

// KEYS: the keys to forget (one hash slot).
const RESET = defineScript(`
for _, key in ipairs(KEYS) do redis.call('DEL', key) end
return 1
`);

/**
 * A `RateLimitStore` in Redis, shared by every instance that uses the same Redis: each check is
 * one Lua script, so it is atomic, and the keys of one check share a `{…}` hash tag, so it runs
 * on Redis Cluster too (pass an ioredis `Cluster`). Unreachable Redis rejects (the limiter then
 * fails open, logged).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
 * createPortcullis({ ..., rateLimit: { store: createRedisRateLimitStore({ redis }) } });
 * ```
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const redis: BoundedRedis = Object.freeze({
    client: options.redis,
    timeoutMs: timeoutOption(
      options.commandTimeoutMs,
      DEFAULT_STORE_TIMEOUT_MS,
      'commandTimeoutMs',
      'createRedisRateLimitStore',
    ),
  });
  const prefix = keyPrefix(options.keyPrefix, 'portcullis_rl:');
  if (prefix.includes('{')) {
    throw new TypeError('keyPrefix must not contain "{": it would become every key\'s hash tag');
  }
  const full = (key: string): string => `${prefix}${key}`;

  return Object.freeze({
    async hit(key: string, windowMs: number, now: number): Promise<WindowCount> {
      const reply = (await HIT.run(redis, [full(key)], [windowMs, now])) as unknown[];
      return { count: Number(reply[0]), resetAt: Number(reply[1]) };
    },

    async attempt(
      keys: readonly AttemptKey[],
      policy: AttemptPolicy,
      now: number,
    ): Promise<AttemptOutcome> {
      const reply = (await ATTEMPT.run(
        redis,
        keys.map((k) => full(k.key)),
        [
          now,
          policy.initialDelayMs,
          policy.maxDelayMs,
          policy.forgetAfterMs,
          ...keys.map((k) => k.threshold),
        ],
      )) as unknown[];
      if (Number(reply[0]) === 1) return { allowed: true };
      const locked = keys[Number(reply[2]) - 1];
      return { allowed: false, lockedUntil: Number(reply[1]), key: locked?.key ?? '' };
    },

    async reset(keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      await RESET.run(redis, keys.map(full), []);
    },
  });
}
