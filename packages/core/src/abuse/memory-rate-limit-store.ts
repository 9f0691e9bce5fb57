import { ErrorCode, PortcullisError } from '../errors';
import {
  type AttemptKey,
  type AttemptOutcome,
  type AttemptPolicy,
  lockEnd,
  type RateLimitStore,
  type WindowCount,
} from './rate-limit-store';

/**
 * Options of {@link createMemoryRateLimitStore}.
 *
 * @example
 * ```ts
 * const options: MemoryRateLimitStoreOptions = { maxKeys: 50_000 };
 * ```
 */
export interface MemoryRateLimitStoreOptions {
  /**
   * Most keys kept at once (default 100 000, about 20 MB). Past it, expired keys are dropped,
   * then the least recently written ones: memory stays bounded under a flood of new addresses
   * or emails, at the price of forgetting the oldest counts first.
   */
  maxKeys?: number;
}

interface Entry {
  count: number;
  /** Window end (hits) or lock end (attempts), Unix ms. */
  until: number;
  /** When the entry may be dropped, Unix ms. */
  expiresAt: number;
}

/**
 * The default limiter store: counters in this process's memory. Each instance of an app counts
 * on its own, so behind a load balancer with N instances a client gets up to N times the
 * budget and N times the failures before a lock; use the Redis or SQL store there.
 *
 * @example
 * ```ts
 * createPortcullis({ ..., rateLimit: { store: createMemoryRateLimitStore({ maxKeys: 10_000 }) } });
 * ```
 */
export function createMemoryRateLimitStore(
  options: MemoryRateLimitStoreOptions = {},
): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new PortcullisError(ErrorCode.CONFIGURATION, 'maxKeys must be a positive integer');
  }
  const entries = new Map<string, Entry>();

  const live = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const write = (key: string, entry: Entry, now: number): void => {
    // Re-inserting moves the key to the end: Map order is then least recently written first.
    entries.delete(key);
    if (entries.size >= maxKeys) {
      for (const [old, value] of entries) if (value.expiresAt <= now) entries.delete(old);
      while (entries.size >= maxKeys) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    }
    entries.set(key, entry);
  };

  return Object.freeze({
    async hit(key: string, windowMs: number, now: number): Promise<WindowCount> {
      const entry = live(key, now);
      if (entry && entry.until > now) {
        entry.count += 1;
        entries.delete(key);
        entries.set(key, entry);
        return { count: entry.count, resetAt: entry.until };
      }
      const resetAt = now + windowMs;
      write(key, { count: 1, until: resetAt, expiresAt: resetAt }, now);
      return { count: 1, resetAt };
    },

    async attempt(
      keys: readonly AttemptKey[],
      policy: AttemptPolicy,
      now: number,
    ): Promise<AttemptOutcome> {
      let lockedUntil = 0;
      let lockedKey = '';
      for (const { key } of keys) {
        const entry = live(key, now);
        if (entry && entry.until > now && entry.until > lockedUntil) {
          lockedUntil = entry.until;
          lockedKey = key;
        }
      }
      if (lockedUntil > 0) return { allowed: false, lockedUntil, key: lockedKey };
      for (const { key, threshold } of keys) {
        const count = (live(key, now)?.count ?? 0) + 1;
        const until = lockEnd(count, threshold, policy, now);
        write(key, { count, until, expiresAt: now + policy.forgetAfterMs }, now);
      }
      return { allowed: true };
    },

    async reset(keys: readonly string[]): Promise<void> {
      for (const key of keys) entries.delete(key);
    },
  });
}
