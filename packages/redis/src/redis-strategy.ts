import { createHash } from 'node:crypto';
import type { Strategy, User, UserLookup } from '@portcullis/core';
import { DEFAULT_STORE_TIMEOUT_MS, randomToken, timeoutOption } from '@portcullis/core/adapter';
import type { BoundedRedis } from './internal/bounded';
import { keyPrefix, lifetimeMs } from './internal/options';
import { asStrings, defineScript, getString } from './internal/script';
import type { RedisClientLike } from './redis-client';

export interface RedisStrategyOptions {
  redis: RedisClientLike;
  /** Seconds a token lives; Redis expires it. null (default, as upstream) keeps it until logout. */
  lifetimeSeconds?: number | null;
  /**
   * Prefix of every key. Default `portcullis_token:`. Token keys are `<prefix><token>` holding
   * the user id, upstream's layout: with `fastapi_users_token:`, sessions issued by FastAPI
   * Users keep working (they are missing from the per-user index until they expire).
   */
  keyPrefix?: string;
  /**
   * Redis Cluster layout: a token starts with a tag derived from its user's id, and the token
   * key and the user's index share that `{tag}`, so the scripts that update both run on one
   * node. Default: on for an ioredis `Cluster` (`isCluster`), off otherwise (the layout above,
   * compatible with FastAPI Users).
   */
  cluster?: boolean;
  /**
   * How long one call (a token read, a login, a logout) may wait for Redis, in milliseconds,
   * before it fails with SERVICE_UNAVAILABLE (503). Default 5 000. Calls also fail at once
   * while an ioredis client is between connection attempts.
   */
  commandTimeoutMs?: number;
}

/** The Redis strategy: it can always log a user out everywhere. */
export interface RedisStrategy<U extends User = User> extends Strategy<U> {
  revokeAllForUser(user: U): Promise<void>;
}

/** Tokens we issue and upstream's `secrets.token_urlsafe` are base64url, so never contain ':'. */
const TOKEN = /^[A-Za-z0-9_-]{1,512}$/;

/** Length of the user tag that starts a token in the cluster layout. */
const TAG_LENGTH = 8;

/** The cluster layout's hash tag of a user: a digest of the id, never the id itself. */
function userTag(userId: string): string {
  return createHash('sha256').update(userId).digest('base64url').slice(0, TAG_LENGTH);
}

/** How many tokens one `revokeAllForUser` round deletes (bounded script run time). */
const BATCH = 500;

// KEYS: token key, user index. ARGV: user id, token, lifetime in ms or ''.
// The index is a sorted set of the user's tokens scored by expiry (ms, server clock); expired
// members are pruned on every login and the index expires with its longest-lived token.
const WRITE = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
if ttl then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  redis.call('ZADD', KEYS[2], string.format('%.0f', now + ttl), ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[2], '+inf', ARGV[2])
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%.0f', now))
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if last[2] == 'inf' then
  redis.call('PERSIST', KEYS[2])
else
  redis.call('PEXPIREAT', KEYS[2], string.format('%.0f', tonumber(last[2])))
end
return 1
`);

// KEYS: token key, user index. ARGV: token.
const DESTROY = defineScript(`
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
`);

// KEYS: user index. ARGV: batch size.
const LIST = defineScript(`
return redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
`);

// KEYS: user index, then one key per token. ARGV: the tokens, in the same order.
// Keys are passed in, not built here, so a client-side key prefix (ioredis keyPrefix) applies.
const DESTROY_MANY = defineScript(`
for i = 1, #ARGV do
  redis.call('DEL', KEYS[i + 1])
  redis.call('ZREM', KEYS[1], ARGV[i])
end
return redis.call('ZCARD', KEYS[1])
`);

/**
 * Opaque random tokens in Redis (see docs/contract/behaviour.md#redis-strategy): `<prefix><token>` → user id, with the lifetime
 * as the key's expiry. Beyond upstream, a per-user index makes "log out everywhere" one call
 * (`revokeAllForUser`; `portcullis.revokeAllForUser` for every backend). Login, logout and
 * revoke-all are Lua scripts, so the token and the index never disagree. A Redis that refuses,
 * drops or stops answering gives SERVICE_UNAVAILABLE (503): at once while the client is
 * reconnecting, after `commandTimeoutMs` (5 s) at most otherwise.
 *
 * @throws a CONFIGURATION PortcullisError for an option out of range, naming it.
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis = new Redis(process.env.REDIS_URL!, redisClientOptions());
 * const cookie = createAuthBackend({
 *   name: 'cookie',
 *   transport: createCookieTransport({ cookieMaxAge: 3600 }),
 *   strategy: createRedisStrategy({ redis, lifetimeSeconds: 3600 }),
 * });
 * ```
 */
export function createRedisStrategy<U extends User = User>(
  options: RedisStrategyOptions,
): RedisStrategy<U> {
  const redis: BoundedRedis = Object.freeze({
    client: options.redis,
    timeoutMs: timeoutOption(
      options.commandTimeoutMs,
      DEFAULT_STORE_TIMEOUT_MS,
      'commandTimeoutMs',
      'createRedisStrategy',
    ),
  });
  const ttl = lifetimeMs(options.lifetimeSeconds);
  const prefix = keyPrefix(options.keyPrefix, 'portcullis_token:');
  const cluster = options.cluster ?? options.redis.isCluster === true;
  // ':' never occurs in a token, so an index key can never be read as a token key. On a
  // cluster both carry the user's `{tag}` (the first characters of every token of the user).
  const tokenKey = (token: string): string =>
    cluster ? `${prefix}{${token.slice(0, TAG_LENGTH)}}:${token}` : `${prefix}${token}`;
  const indexKey = (user: U): string =>
    cluster
      ? `${prefix}user:{${userTag(String(user.id))}}:${String(user.id)}`
      : `${prefix}user:${String(user.id)}`;
  const newToken = (user: U): string =>
    cluster ? `${userTag(String(user.id))}${randomToken()}` : randomToken();

  return Object.freeze({
    async readToken(token: string, users: UserLookup<U>): Promise<U | null> {
      if (typeof token !== 'string' || !TOKEN.test(token)) return null;
      if (cluster && token.length <= TAG_LENGTH) return null;
      const userId = await getString(redis, tokenKey(token));
      // Awaited, not returned: an async function returning a promise waits two turns more.
      return userId === null ? null : await users.findById(userId);
    },

    async writeToken(user: U): Promise<string> {
      const token = newToken(user);
      await WRITE.run(
        redis,
        [tokenKey(token), indexKey(user)],
        [String(user.id), token, ttl === null ? '' : ttl],
      );
      return token;
    },

    async destroyToken(token: string, user: U): Promise<void> {
      if (typeof token !== 'string' || !TOKEN.test(token)) return;
      await DESTROY.run(redis, [tokenKey(token), indexKey(user)], [token]);
    },

    async revokeAllForUser(user: U): Promise<void> {
      const index = indexKey(user);
      // Bounded: logins racing with this call may land after its last round, as after any
      // logout; the loop only pages through large indexes.
      for (let round = 0; round < 1000; round++) {
        const tokens = asStrings(await LIST.run(redis, [index], [BATCH]));
        if (tokens.length === 0) return;
        const remaining = await DESTROY_MANY.run(redis, [index, ...tokens.map(tokenKey)], tokens);
        if (remaining === 0) return;
      }
    },
  });
}
