import { ErrorCode, PortcullisError } from '../errors';
import { createMemoryRateLimitStore } from './memory-rate-limit-store';
import type { AttemptPolicy, RateLimitStore } from './rate-limit-store';

/**
 * Login throttling and per-address limits (`createPortcullis({ rateLimit })`). On by default,
 * with these defaults; `rateLimit: false` turns both off. See docs/abuse-protection.md.
 *
 * @example
 * ```ts
 * createPortcullis({
 *   ...,
 *   trustProxy: 1,
 *   rateLimit: { store: createRedisRateLimitStore({ redis }), perAddressPerMinute: 120 },
 * });
 * ```
 */
export interface RateLimitOptions {
  /** Where counters live. Default: this process's memory (per instance: see the docs). */
  store?: RateLimitStore;
  /**
   * Failed logins for one (email, client address) pair before every further attempt of the
   * pair waits, right password included. Default 5.
   */
  failuresBeforeDelay?: number;
  /**
   * Consecutive failed logins for one email, from every address together, before the account
   * waits the same way for everyone. Default 100 (NIST SP 800-63B's ceiling).
   */
  accountFailureLimit?: number;
  /** The first wait, doubled by every further failure. Default 1 second. */
  initialDelaySeconds?: number;
  /** The longest wait. Default 900 (15 minutes). */
  maxDelaySeconds?: number;
  /**
   * Counts of an email or pair with no failure for this long start again from zero.
   * Default 86 400 (a day); at least `maxDelaySeconds`.
   */
  forgetAfterSeconds?: number;
  /**
   * Requests per minute one client address may send to the routes reached without credentials
   * (login, register, forgot/reset password, verify, refresh, second-factor steps, OAuth
   * callbacks), all together. Default 60; 0 turns this budget off and keeps login throttling.
   */
  perAddressPerMinute?: number;
  /**
   * Milliseconds a store call may take before the limiter gives up on it and lets the request
   * through (fail open, logged, `onRateLimitError`). Default 1000.
   */
  storeTimeoutMs?: number;
}

/** The options with every default applied and checked, frozen. */
export interface ResolvedRateLimit {
  readonly store: RateLimitStore;
  readonly pairThreshold: number;
  readonly accountThreshold: number;
  readonly policy: AttemptPolicy;
  readonly perAddressPerMinute: number;
  readonly storeTimeoutMs: number;
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `rateLimit.${name} must be an integer of at least ${min}`,
    );
  }
  return resolved;
}

function seconds(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved <= 0) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `rateLimit.${name} must be a positive number of seconds`,
    );
  }
  return Math.round(resolved * 1000);
}

/** Applies the defaults; null when rate limiting is off. */
export function resolveRateLimit(
  options: RateLimitOptions | false | undefined,
): ResolvedRateLimit | null {
  if (options === false) return null;
  const given = options ?? {};
  const initialDelayMs = seconds('initialDelaySeconds', given.initialDelaySeconds, 1);
  const maxDelayMs = seconds('maxDelaySeconds', given.maxDelaySeconds, 900);
  const forgetAfterMs = seconds('forgetAfterSeconds', given.forgetAfterSeconds, 86_400);
  if (maxDelayMs < initialDelayMs || forgetAfterMs < maxDelayMs) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'rateLimit: initialDelaySeconds ≤ maxDelaySeconds ≤ forgetAfterSeconds',
    );
  }
  return Object.freeze({
    store: given.store ?? createMemoryRateLimitStore(),
    pairThreshold: count('failuresBeforeDelay', given.failuresBeforeDelay, 5, 1),
    accountThreshold: count('accountFailureLimit', given.accountFailureLimit, 100, 1),
    policy: Object.freeze({ initialDelayMs, maxDelayMs, forgetAfterMs }),
    perAddressPerMinute: count('perAddressPerMinute', given.perAddressPerMinute, 60, 0),
    storeTimeoutMs: count('storeTimeoutMs', given.storeTimeoutMs, 1000, 1),
  });
}
