import type { User } from '../types';

/**
 * Why a password login failed: an unknown email or a wrong password (`bad_credentials`, one
 * reason for both, as the client sees), an inactive account, or an unverified one where
 * verification is required.
 */
export type LoginFailureReason = 'bad_credentials' | 'inactive' | 'unverified';

/**
 * `onLoginFailed`: a password login that did not log anyone in. Never carries the password.
 *
 * @example
 * ```ts
 * hooks: {
 *   onLoginFailed: (event) => log.warn({ email: event.email, ip: event.address, reason: event.reason }, 'login failed'),
 * }
 * ```
 */
export interface LoginFailedEvent<U extends User = User> {
  /** The username as typed (an email), trimmed. */
  readonly email: string;
  /** The client's address as `trustProxy` resolved it; null when the host could not tell. */
  readonly address: string | null;
  readonly reason: LoginFailureReason;
  /** The account, when the email belongs to one. */
  readonly user: U | null;
}

/**
 * Which limit answered 429: too many failures for this (email, address) pair, for this email
 * from every address, or this address's budget of requests without credentials.
 */
export type ThrottleReason = 'login_pair' | 'login_account' | 'address_budget';

/**
 * `onThrottled`: a request answered 429 `TOO_MANY_REQUESTS`.
 *
 * @example
 * ```ts
 * hooks: { onThrottled: (event) => metrics.increment(`throttled.${event.reason}`) }
 * ```
 */
export interface ThrottledEvent {
  readonly reason: ThrottleReason;
  readonly address: string | null;
  /** The login's username (trimmed) for the login limits; null for the address budget. */
  readonly email: string | null;
  /** What the answer's `Retry-After` says. */
  readonly retryAfterSeconds: number;
  /** The route's path, without the query. */
  readonly path: string;
}

/**
 * `onRateLimitError`: the limiter's store failed or did not answer in time, so the request went
 * through unchecked (fail open). Also logged at `error`.
 *
 * @example
 * ```ts
 * hooks: { onRateLimitError: (event) => alerts.page('rate-limit store down', event.operation) }
 * ```
 */
export interface RateLimitErrorEvent {
  readonly operation: 'hit' | 'attempt' | 'reset';
  readonly error: unknown;
}
