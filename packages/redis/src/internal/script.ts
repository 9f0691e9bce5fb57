import { createHash } from 'node:crypto';
import type { RedisClientLike } from '../redis-client';
import { toRedisError } from './errors';

/** A Lua script run atomically on the server (Redis runs one script at a time). */
export interface Script {
  run(
    redis: RedisClientLike,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown>;
}

/**
 * EVALSHA first, EVAL when the server does not know the script yet (after a restart or a
 * SCRIPT FLUSH): the script body crosses the network once per server, not on every call.
 */
export function defineScript(source: string): Script {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        try {
          return await redis.evalsha(sha, keys.length, ...keys, ...args);
        } catch (error) {
          if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
          return await redis.eval(source, keys.length, ...keys, ...args);
        }
      } catch (error) {
        throw toRedisError(error);
      }
    },
  };
}

/** GET with the same error mapping; bytes (a client without string decoding) become text. */
export async function getString(redis: RedisClientLike, key: string): Promise<string | null> {
  let value: string | Uint8Array | null;
  try {
    value = await redis.get(key);
  } catch (error) {
    throw toRedisError(error);
  }
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : new TextDecoder().decode(value);
}

/** A multi-bulk reply as strings (a client without string decoding hands back bytes). */
export function asStrings(reply: unknown): string[] {
  if (!Array.isArray(reply)) return [];
  const decoder = new TextDecoder();
  return reply.map((item: unknown) =>
    typeof item === 'string'
      ? item
      : item instanceof Uint8Array
        ? decoder.decode(item)
        : String(item),
  );
}
