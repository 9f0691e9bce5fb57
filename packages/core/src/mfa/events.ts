import type { User } from '../types';

/** The factor an MFA event is about; passkeys add their own events. */
export type MfaMethod = 'totp';

/**
 * `onMfaEnabled` and `onMfaDisabled`: a user turned a factor on or off. Never carries a code,
 * a secret or a recovery code.
 *
 * @example
 * ```ts
 * hooks: {
 *   onMfaEnabled: (event) => mailer.notify(event.user.email, 'Two-factor login is on'),
 *   onMfaDisabled: (event) => mailer.notify(event.user.email, 'Two-factor login was turned off'),
 * }
 * ```
 */
export interface MfaChangedEvent<U extends User = User> {
  readonly user: U;
  readonly method: MfaMethod;
  /** The client's address as `trustProxy` resolved it; null when the host could not tell. */
  readonly address: string | null;
}

/**
 * Why a second-factor check failed: a wrong (or replayed, or used) code, an unusable MFA token
 * (unknown, expired, used, for another backend), or a token whose five attempts are spent.
 */
export type MfaFailureReason = 'bad_code' | 'bad_token' | 'too_many_attempts';

/**
 * `onMfaFailed`: a second-factor check that did not pass, at login (`/login/mfa`) or when
 * enabling or disabling TOTP. Never carries the code or the token.
 *
 * @example
 * ```ts
 * hooks: { onMfaFailed: (event) => log.warn({ user: event.user?.id, reason: event.reason }, 'mfa failed') }
 * ```
 */
export interface MfaFailedEvent<U extends User = User> {
  readonly reason: MfaFailureReason;
  /** Where it happened. */
  readonly step: 'login' | 'enable' | 'disable';
  /** The user, when the token or the session named one. */
  readonly user: U | null;
  readonly address: string | null;
}
