import { PortcullisConfigError } from '../errors';
import { kindOf } from '../internal/config-checks';

/**
 * Which events end a user's sessions (and, with JWT revocation on, their JWTs). Every rule is
 * on unless set to `false`; see docs/sessions.md and docs/deviations.md.
 */
export interface SessionRevocationOptions {
  /** `POST /reset-password` ends every session of the user. Default true. */
  onPasswordReset?: boolean;
  /** `PATCH /users/me` with a new password ends the user's other sessions. Default true. */
  onPasswordChange?: boolean;
  /**
   * A superuser's `PATCH /users/{id}` with a password or `is_active: false` ends all of the
   * target's sessions. Default true.
   */
  onSuperuserUpdate?: boolean;
  /** `DELETE /users/{id}` ends the user's sessions. Default true. */
  onDelete?: boolean;
}

export type ResolvedSessionRevocation = Readonly<Required<SessionRevocationOptions>>;

const RULES = ['onPasswordReset', 'onPasswordChange', 'onSuperuserUpdate', 'onDelete'] as const;

export function resolveSessionRevocation(options: unknown): ResolvedSessionRevocation {
  const resolved = {
    onPasswordReset: true,
    onPasswordChange: true,
    onSuperuserUpdate: true,
    onDelete: true,
  };
  if (options === undefined) return Object.freeze(resolved);
  if (typeof options !== 'object' || options === null) {
    throw new PortcullisConfigError(
      'sessionRevocation',
      `must be an object (got ${kindOf(options)})`,
    );
  }
  for (const [key, value] of Object.entries(options)) {
    if (!(RULES as readonly string[]).includes(key)) {
      throw new PortcullisConfigError(
        `sessionRevocation.${key}`,
        `is not a rule (known: ${RULES.join(', ')})`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new PortcullisConfigError(
        `sessionRevocation.${key}`,
        `must be a boolean (got ${kindOf(value)})`,
      );
    }
    resolved[key as (typeof RULES)[number]] = value;
  }
  return Object.freeze(resolved);
}
