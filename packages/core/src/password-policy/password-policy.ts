import { ErrorCode, InvalidPasswordError, PortcullisError } from '../errors';
import type { ValidatePassword } from '../hooks';
import type { User } from '../types';
import type { BreachedPasswordCheck } from './breached-password';

/**
 * Options of {@link createPasswordPolicy}. Lengths count Unicode code points (an emoji is one
 * character), as NIST SP 800-63B-4 asks.
 *
 * @example
 * ```ts
 * const options: PasswordPolicyOptions = { minLength: 15, blocklist: commonPasswords };
 * ```
 */
export interface PasswordPolicyOptions {
  /**
   * Shortest password accepted. Default 8; never below 8. NIST SP 800-63B-4 asks for 15 when
   * the password is the only factor, 8 when it is one of two.
   */
  minLength?: number;
  /**
   * Longest password accepted. Default 128; never below 64 (NIST: at least 64 must be
   * accepted). It bounds the work one request can ask of the hasher; nothing is ever
   * truncated.
   */
  maxLength?: number;
  /** Passwords refused whatever their case (e.g. `commonPasswords`). */
  blocklist?: ReadonlySet<string> | Iterable<string>;
  /** A breached-password check (`createBreachedPasswordCheck()`); it fails open. */
  breached?: BreachedPasswordCheck;
  /** Another rule run last (the demo's "must not contain the email", say). */
  also?: ValidatePassword;
}

/** The reasons the policy gives (they reach the client as `detail.reason`). */
export const PASSWORD_POLICY_REASONS = Object.freeze({
  tooShort: (min: number) => `Password should be at least ${min} characters`,
  tooLong: (max: number) => `Password should be at most ${max} characters`,
  common: 'Password is too common',
  breached: 'Password has appeared in a data breach',
});

/**
 * A `validatePassword` following NIST SP 800-63B-4: length bounds (anything from 64 characters
 * down to the minimum is always accepted, and a password is never truncated), a blocklist, an
 * optional breached-password check, no composition rules. Refusals throw
 * `InvalidPasswordError`, so the routes answer `…_INVALID_PASSWORD` with the reason. The
 * password itself is never part of an error.
 *
 * @example
 * ```ts
 * import { commonPasswords } from '@portcullis/core/common-passwords';
 * const portcullis = createPortcullis({
 *   userManager: {
 *     ...,
 *     validatePassword: createPasswordPolicy({
 *       minLength: 15,
 *       blocklist: commonPasswords,
 *       breached: createBreachedPasswordCheck(),
 *     }),
 *   },
 *   ...
 * });
 * ```
 */
export function createPasswordPolicy<U extends User = User>(
  options: PasswordPolicyOptions = {},
): ValidatePassword<U> {
  const minLength = options.minLength ?? 8;
  const maxLength = options.maxLength ?? 128;
  if (!Number.isInteger(minLength) || minLength < 8) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'minLength must be an integer of at least 8',
    );
  }
  if (!Number.isInteger(maxLength) || maxLength < Math.max(64, minLength)) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'maxLength must be an integer of at least 64 and at least minLength',
    );
  }
  const blocklist =
    options.blocklist === undefined
      ? null
      : options.blocklist instanceof Set &&
          [...options.blocklist].every((p) => p === p.toLowerCase())
        ? (options.blocklist as ReadonlySet<string>)
        : new Set([...options.blocklist].map((p) => p.toLowerCase()));
  return async (password, user) => {
    const length = [...password].length;
    if (length < minLength)
      throw new InvalidPasswordError(PASSWORD_POLICY_REASONS.tooShort(minLength));
    if (length > maxLength)
      throw new InvalidPasswordError(PASSWORD_POLICY_REASONS.tooLong(maxLength));
    if (blocklist?.has(password.toLowerCase())) {
      throw new InvalidPasswordError(PASSWORD_POLICY_REASONS.common);
    }
    if (options.breached && (await options.breached(password))) {
      throw new InvalidPasswordError(PASSWORD_POLICY_REASONS.breached);
    }
    await options.also?.(password, user as U);
  };
}
