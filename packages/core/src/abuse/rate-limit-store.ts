/**
 * A key the login throttle counts consecutive attempts under, and the count at which it locks.
 *
 * @example
 * ```ts
 * const keys: AttemptKey[] = [
 *   { key: 'login:{h}:203.0.113.9', threshold: 5 },
 *   { key: 'login:{h}', threshold: 100 },
 * ];
 * ```
 */
export interface AttemptKey {
  readonly key: string;
  readonly threshold: number;
}

/**
 * How long a key stays locked and remembered. A key whose count `c` reached its threshold `t`
 * is locked for `min(maxDelayMs, initialDelayMs × 2^(c − t))` from the attempt that reached it.
 *
 * @example
 * ```ts
 * const policy: AttemptPolicy = { initialDelayMs: 1000, maxDelayMs: 900_000, forgetAfterMs: 86_400_000 };
 * ```
 */
export interface AttemptPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A key with no counted attempt for this long starts again from zero (≥ maxDelayMs). */
  readonly forgetAfterMs: number;
}

/**
 * What `attempt` decided: go ahead (the attempt is counted), or wait until `lockedUntil`, the
 * latest lock end among the keys; `key` is the key holding it.
 */
export type AttemptOutcome =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly lockedUntil: number; readonly key: string };

/** A fixed window's count after a hit, and when the window ends (Unix ms). */
export interface WindowCount {
  readonly count: number;
  readonly resetAt: number;
}

/**
 * Where the limiter keeps its counters. Instances that share a store share the counters: the
 * memory store is one process's, Redis and SQL are everyone's. Every method is one atomic step
 * on the store, so concurrent requests on several instances never count less than they did;
 * `now` always comes from the caller (Unix ms), so a store holds no clock of its own.
 * `@portcullis/testing`'s `rateLimitStoreSuite` checks a store against this contract.
 *
 * @example
 * ```ts
 * import { createRedisRateLimitStore } from '@portcullis/redis';
 * createPortcullis({ ..., rateLimit: { store: createRedisRateLimitStore({ redis }) } });
 * ```
 */
export interface RateLimitStore {
  /**
   * Counts one request against `key`: a window opens at the first hit after the previous one
   * ended and lasts `windowMs`. Returns the count in the current window, this hit included.
   */
  hit(key: string, windowMs: number, now: number): Promise<WindowCount>;
  /**
   * One login attempt against `keys` (one hash slot: the keys share a `{…}` tag). Atomically:
   * when any key is locked at `now`, nothing changes and the answer is the latest lock end
   * (and its key);
   * otherwise every key's count goes up by one (from zero when it was forgotten), and a key
   * whose count reaches its threshold is locked as `policy` says.
   */
  attempt(keys: readonly AttemptKey[], policy: AttemptPolicy, now: number): Promise<AttemptOutcome>;
  /** Forgets the keys' counts and locks (a successful login). */
  reset(keys: readonly string[]): Promise<void>;
}

/**
 * When a key that has just reached `count` attempts is locked until, or 0 when it is not.
 *
 * @example
 * ```ts
 * lockEnd(6, 5, policy, now); // now + 2 s with a 1 s initial delay
 * ```
 */
export function lockEnd(
  count: number,
  threshold: number,
  policy: AttemptPolicy,
  now: number,
): number {
  if (count < threshold) return 0;
  // 2^20 × any sane initial delay is past every sane maximum: the exponent is capped so the
  // arithmetic stays exact, as the SQL and Lua versions do.
  const factor = 2 ** Math.min(count - threshold, 20);
  return now + Math.min(policy.maxDelayMs, policy.initialDelayMs * factor);
}
