/**
 * Why sessions ended: a logout, the user or a superuser ending them through the sessions
 * routes, or one of the revocation rules (docs/sessions.md).
 */
export type SessionRevokedReason =
  | 'logout'
  | 'ended_by_user'
  | 'ended_by_superuser'
  | 'password_reset'
  | 'password_change'
  | 'user_deactivated'
  | 'user_deleted'
  | 'refresh_token_reuse';

/**
 * `onSessionRevoked`: sessions of one user ended. Session ids are not secrets (listings show
 * them); the event never carries a token.
 *
 * @example
 * ```ts
 * hooks: {
 *   onSessionRevoked: (event) => audit.log({ user: event.userId, ended: event.sessionIds, why: event.reason }),
 * }
 * ```
 */
export interface SessionRevokedEvent {
  readonly userId: string;
  readonly sessionIds: readonly string[];
  readonly reason: SessionRevokedReason;
}

/**
 * `onRefreshTokenReuse`: a rotated refresh token came back after the grace window, so someone
 * else may hold it; the whole session was revoked. Never carries the token.
 *
 * @example
 * ```ts
 * hooks: { onRefreshTokenReuse: (event) => alerts.notify(`refresh token reuse for ${event.userId}`) }
 * ```
 */
export interface RefreshTokenReuseEvent {
  readonly userId: string;
  readonly sessionId: string;
  /** The backend the session belonged to. */
  readonly backend: string;
}
