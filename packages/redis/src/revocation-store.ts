import type { TokenRevocationStore } from '@portcullis/core';
import { DEFAULT_STORE_TIMEOUT_MS, timeoutOption } from '@portcullis/core/adapter';
import type { BoundedRedis } from './internal/bounded';
import { keyPrefix } from './internal/options';
import { defineScript, getString } from './internal/script';
import type { RedisClientLike } from './redis-client';

export interface RedisRevocationStoreOptions {
  redis: RedisClientLike;
  /** Prefix of every key. Default `portcullis_revoked:`; keys are `<prefix>jti:<jti>` and
   * `<prefix>user:<user id>`. */
  keyPrefix?: string;
  /**
   * How long one check or revocation may wait for Redis, in milliseconds, before it fails with
   * SERVICE_UNAVAILABLE (503). Default 5 000. Calls also fail at once while an ioredis client
   * is between connection attempts.
   */
  commandTimeoutMs?: number;
}

// KEYS: the entry. ARGV: value, absolute expiry in ms or '' (never).
const SET_UNTIL = defineScript(`
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
end
return 1
`);

// KEYS: the user's cut-off. ARGV: cut-off in ms, absolute expiry in ms or ''.
// Compare-and-set in one script: of two concurrent calls the later cut-off wins, whatever order
// they reach the server in.
const RAISE_CUTOFF = defineScript(`
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
end
return 1
`);

/**
 * A `TokenRevocationStore` for the JWT strategy's opt-in revocation, in Redis: each entry is a
 * key that expires with the token(s) it revokes (`PXAT`, Redis ≥ 6.2), so nothing needs
 * purging. Unreachable Redis is SERVICE_UNAVAILABLE (503), within `commandTimeoutMs` (5 s) at
 * most: a token is never accepted unchecked.
 *
 * @throws a CONFIGURATION PortcullisError for an option out of range, naming it.
 * @example
 * ```ts
 * const strategy = createJwtStrategy({
 *   secret: process.env.SECRET!,
 *   lifetimeSeconds: 3600,
 *   revocation: createRedisRevocationStore({ redis }),
 * });
 * ```
 */
export function createRedisRevocationStore(
  options: RedisRevocationStoreOptions,
): TokenRevocationStore {
  const redis: BoundedRedis = Object.freeze({
    client: options.redis,
    timeoutMs: timeoutOption(
      options.commandTimeoutMs,
      DEFAULT_STORE_TIMEOUT_MS,
      'commandTimeoutMs',
      'createRedisRevocationStore',
    ),
  });
  const prefix = keyPrefix(options.keyPrefix, 'portcullis_revoked:');
  const jtiKey = (jti: string): string => `${prefix}jti:${jti}`;
  const userKey = (userId: string): string => `${prefix}user:${userId}`;
  const until = (expiresAt: Date | null): string | number =>
    expiresAt === null ? '' : expiresAt.getTime();

  return Object.freeze({
    async revoke(jti: string, expiresAt: Date | null): Promise<void> {
      // An expired token is refused anyway; PXAT in the past would only delete the key again.
      if (expiresAt !== null && expiresAt.getTime() <= Date.now()) return;
      await SET_UNTIL.run(redis, [jtiKey(jti)], ['1', until(expiresAt)]);
    },

    async isRevoked(jti: string): Promise<boolean> {
      return (await getString(redis, jtiKey(jti))) !== null;
    },

    async revokeAllForUser(userId: string, before: Date, expiresAt: Date | null): Promise<void> {
      if (expiresAt !== null && expiresAt.getTime() <= Date.now()) return;
      await RAISE_CUTOFF.run(redis, [userKey(userId)], [before.getTime(), until(expiresAt)]);
    },

    async revokedBefore(userId: string): Promise<Date | null> {
      const value = await getString(redis, userKey(userId));
      const ms = value === null ? Number.NaN : Number(value);
      return Number.isFinite(ms) ? new Date(ms) : null;
    },
  });
}
