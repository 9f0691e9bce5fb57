import type { SessionCreateData, SessionRecord, SessionStore, UserId } from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import { clipUserAgent, DEFAULT_STORE_TIMEOUT_MS, timeoutOption } from '@portcullis/core/adapter';
import type { BoundedRedis } from './internal/bounded';
import { keyPrefix } from './internal/options';
import { asStrings, defineScript, getString } from './internal/script';
import type { RedisClientLike } from './redis-client';

export interface RedisSessionStoreOptions {
  redis: RedisClientLike;
  /**
   * Prefix of every key. Default `portcullis_session:`. Keys are `<prefix>s:<id>` (a hash per
   * session), `<prefix>u:<user id>` (the user's sessions) and `<prefix>k:<token key>` (the
   * session of a token key).
   */
  keyPrefix?: string;
  /**
   * How long one call may wait for Redis, in milliseconds, before it fails with
   * SERVICE_UNAVAILABLE (503). Default 5 000. Calls also fail at once while an ioredis client
   * is between connection attempts.
   */
  commandTimeoutMs?: number;
}

// Every script touches exactly one key, so on Redis Cluster each runs on the node that owns
// it, and no two keys ever need to share a slot (docs/sessions-storage.md).

// KEYS: the session. ARGV: expiry in ms or '', then field, value pairs.
// Refuses an id in use: a session is never overwritten by another login.
const CREATE = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
if ARGV[1] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end
return 1
`);

// KEYS: the user's index. ARGV: session id, its expiry in ms or ''.
// A sorted set scored by expiry: expired members are pruned, and the index expires with its
// longest-lived session (as the Redis strategy's index).
const INDEX = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[2] == '' then
  redis.call('ZADD', KEYS[1], '+inf', ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', now))
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] == 'inf' then
  redis.call('PERSIST', KEYS[1])
elseif last[2] then
  redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', tonumber(last[2])))
end
return 1
`);

// KEYS: the user's index. Its members, expired ones pruned first.
const MEMBERS = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', now))
return redis.call('ZRANGE', KEYS[1], 0, -1)
`);

// KEYS: the user's index. ARGV: session ids.
const UNINDEX = defineScript(`
return redis.call('ZREM', KEYS[1], unpack(ARGV))
`);

// KEYS: a token key's pointer. ARGV: session id, expiry in ms or ''.
const POINT = defineScript(`
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
end
return 1
`);

// KEYS: a token key's pointer. ARGV: session id. Deletes it only while it names that session.
const UNPOINT = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

// KEYS: the session.
const READ = defineScript(`
return redis.call('HGETALL', KEYS[1])
`);

// KEYS: the session. ARGV: last use in ms. Never creates a session that is gone.
const TOUCH = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'last_used_at', ARGV[1])
return 1
`);

// KEYS: the session. ARGV: expected generation, next generation, refreshed_at in ms.
// Compare and set in one script: of concurrent rotations from one generation exactly one wins.
const ADVANCE = defineScript(`
if redis.call('HGET', KEYS[1], 'refresh_generation') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'refresh_generation', ARGV[2], 'refreshed_at', ARGV[3])
return 1
`);

// KEYS: the session. Deletes it; returns 0 when it was already gone, else its token key ('' if
// none): of concurrent deletes exactly one gets the DEL's 1.
const DESTROY = defineScript(`
local key = redis.call('HGET', KEYS[1], 'token_key')
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
return key or ''
`);

const usable = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && value.length <= 512;

/** The hash's fields; a null field is left out of the hash. */
function toFields(record: SessionRecord): (string | number)[] {
  const fields: (string | number)[] = [
    'id',
    record.id,
    // JSON keeps a numeric user id a number on the way back.
    'user_id',
    JSON.stringify(record.user_id),
    'backend',
    record.backend,
    'created_at',
    record.created_at.getTime(),
    'last_used_at',
    record.last_used_at.getTime(),
    'auth_time',
    record.auth_time.getTime(),
    'mfa',
    record.mfa ? '1' : '0',
  ];
  const optional = {
    expires_at: record.expires_at?.getTime(),
    user_agent: record.user_agent,
    ip: record.ip,
    token_key: record.token_key,
    refresh_generation: record.refresh_generation,
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== null && value !== undefined) fields.push(name, value);
  }
  return fields;
}

function toRecord(reply: unknown): SessionRecord | null {
  const flat = asStrings(reply);
  if (flat.length === 0) return null;
  const hash = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) hash.set(flat[i] as string, flat[i + 1] as string);
  const date = (name: string): Date | null => {
    const value = hash.get(name);
    return value === undefined ? null : new Date(Number(value));
  };
  const createdAt = date('created_at');
  const authTime = date('auth_time');
  const id = hash.get('id');
  const userId = hash.get('user_id');
  if (createdAt === null || authTime === null || id === undefined || userId === undefined) {
    return null;
  }
  const expiresAt = date('expires_at');
  // Redis expires the key on its own clock; this keeps the contract to the millisecond.
  if (expiresAt !== null && expiresAt.getTime() <= Date.now()) return null;
  const generation = hash.get('refresh_generation');
  return {
    id,
    user_id: JSON.parse(userId) as UserId,
    backend: hash.get('backend') ?? '',
    created_at: createdAt,
    last_used_at: date('last_used_at') ?? createdAt,
    expires_at: expiresAt,
    user_agent: hash.get('user_agent') ?? null,
    ip: hash.get('ip') ?? null,
    auth_time: authTime,
    mfa: hash.get('mfa') === '1',
    token_key: hash.get('token_key') ?? null,
    refresh_generation: generation === undefined ? null : Number(generation),
    refreshed_at: date('refreshed_at'),
  };
}

/**
 * A `SessionStore` in Redis: a hash per session that expires with it (`PEXPIREAT`), a sorted
 * set of each user's session ids for listings and "log out everywhere", and a pointer from each
 * token key to its session. Every script touches one key, so it works on Redis Cluster as is.
 * `delete` is one `DEL` and `advanceRefresh` one compare-and-set script: of concurrent calls
 * exactly one wins. Unreachable Redis is SERVICE_UNAVAILABLE (503), within `commandTimeoutMs`
 * (5 s) at most. Keys and layout: docs/sessions-storage.md.
 *
 * @throws a CONFIGURATION PortcullisError for an option out of range, naming it.
 * @example
 * ```ts
 * const sessions = createRedisSessionStore({ redis });
 * await sessions.listForUser(user.id); // newest first
 * ```
 */
export function createRedisSessionStore(options: RedisSessionStoreOptions): SessionStore {
  const redis: BoundedRedis = Object.freeze({
    client: options.redis,
    timeoutMs: timeoutOption(
      options.commandTimeoutMs,
      DEFAULT_STORE_TIMEOUT_MS,
      'commandTimeoutMs',
      'createRedisSessionStore',
    ),
  });
  const prefix = keyPrefix(options.keyPrefix, 'portcullis_session:');
  const sessionKey = (id: string): string => `${prefix}s:${id}`;
  const userKey = (userId: UserId): string => `${prefix}u:${String(userId)}`;
  const pointerKey = (tokenKey: string): string => `${prefix}k:${tokenKey}`;
  const until = (date: Date | null): string | number => (date === null ? '' : date.getTime());

  async function read(id: string): Promise<SessionRecord | null> {
    if (!usable(id)) return null;
    return toRecord(await READ.run(redis, [sessionKey(id)], []));
  }

  async function destroy(id: string, userId: UserId): Promise<boolean> {
    const removed = await DESTROY.run(redis, [sessionKey(id)], []);
    if (removed === 0) return false;
    // The session is gone (the DEL decided); its index entry and pointer only tidy up after.
    await UNINDEX.run(redis, [userKey(userId)], [id]);
    const tokenKey = asStrings([removed])[0] ?? '';
    if (tokenKey !== '') await UNPOINT.run(redis, [pointerKey(tokenKey)], [id]);
    return true;
  }

  return Object.freeze({
    async create(data: SessionCreateData): Promise<SessionRecord> {
      if (!usable(data.id)) {
        throw new PortcullisError(
          ErrorCode.CONFIGURATION,
          'A session id must be 1 to 512 characters',
        );
      }
      const createdAt = data.created_at ?? new Date();
      const record: SessionRecord = {
        ...data,
        created_at: createdAt,
        last_used_at: createdAt,
        user_agent: clipUserAgent(data.user_agent),
        refreshed_at: null,
      };
      // Index first: a session that exists is always in its user's index, so "log out
      // everywhere" finds it; an index entry whose session never came is skipped when read.
      await INDEX.run(redis, [userKey(record.user_id)], [record.id, until(record.expires_at)]);
      if (record.token_key !== null) {
        await POINT.run(
          redis,
          [pointerKey(record.token_key)],
          [record.id, until(record.expires_at)],
        );
      }
      const created = await CREATE.run(
        redis,
        [sessionKey(record.id)],
        [until(record.expires_at), ...toFields(record)],
      );
      if (created === 0) {
        throw new PortcullisError(ErrorCode.CONFIGURATION, 'A session with this id already exists');
      }
      return record;
    },

    get: read,

    async getByTokenKey(tokenKey: string, maxAge?: Date): Promise<SessionRecord | null> {
      if (!usable(tokenKey)) return null;
      const id = await getString(redis, pointerKey(tokenKey));
      if (id === null) return null;
      const record = await read(id);
      // A pointer outlives its session only until the tidy-up after a delete.
      if (record === null || record.token_key !== tokenKey) return null;
      if (maxAge !== undefined && !(record.created_at.getTime() >= maxAge.getTime())) return null;
      return record;
    },

    async listForUser(userId: UserId): Promise<SessionRecord[]> {
      const ids = asStrings(await MEMBERS.run(redis, [userKey(userId)], []));
      const records = await Promise.all(ids.map(read));
      return records
        .filter((r): r is SessionRecord => r !== null && String(r.user_id) === String(userId))
        .sort(
          (a, b) =>
            b.created_at.getTime() - a.created_at.getTime() ||
            (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
        );
    },

    async touch(id: string, at: Date): Promise<void> {
      if (!usable(id)) return;
      await TOUCH.run(redis, [sessionKey(id)], [at.getTime()]);
    },

    async advanceRefresh(id: string, expected: number, at: Date): Promise<boolean> {
      if (!usable(id) || !Number.isSafeInteger(expected)) return false;
      const won = await ADVANCE.run(
        redis,
        [sessionKey(id)],
        [String(expected), String(expected + 1), at.getTime()],
      );
      return won === 1;
    },

    async delete(id: string): Promise<boolean> {
      const record = await read(id);
      if (record === null) return false;
      return destroy(id, record.user_id);
    },

    async deleteAllForUser(userId: UserId, exceptId?: string): Promise<number> {
      const ids = asStrings(await MEMBERS.run(redis, [userKey(userId)], []));
      const results = await Promise.all(
        ids.filter((id) => id !== exceptId).map((id) => destroy(id, userId)),
      );
      return results.filter(Boolean).length;
    },
  });
}
