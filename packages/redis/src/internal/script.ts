import { createHash } from 'node:crypto';
import type { BoundedRedis } from './bounded';
import { bounded } from './bounded';

/** A Lua script run atomically on the server (Redis runs one script at a time). */
export interface Script {
  run(
    redis: BoundedRedis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown>;
}

/**
 * EVALSHA first, EVAL when the server does not know the script yet (after a restart or a
 * SCRIPT FLUSH): the script body crosses the network once per server, not on every call. Both
 * round trips together stay within the call's time bound.
 */
export function defineScript(source: string): Script {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    run(redis, keys, args) {
      return bounded(redis, async () => {
        try {
          return await redis.client.evalsha(sha, keys.length, ...keys, ...args);
        } catch (error) {
          if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
          return await redis.client.eval(source, keys.length, ...keys, ...args);
        }
      });
    },
  };
}

/**
 * GET, bounded and with the same error mapping; bytes (a client without string decoding) become
 * text.
 */
export async function getString(redis: BoundedRedis, key: string): Promise<string | null> {
  const value = await bounded(redis, () => redis.client.get(key));
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
