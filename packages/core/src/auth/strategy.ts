import type { PortcullisRequest } from '../http/request';
import type { RefreshTokenReuseEvent } from '../sessions/events';
import type { SessionStore, User } from '../types';

/**
 * What a strategy knows about the login it issues a token for. Stateless strategies ignore it;
 * strategies that keep session records store it.
 */
export interface LoginContext {
  /** The request that logged the user in, when it came over HTTP. */
  request?: PortcullisRequest;
  /** When the user last proved who they are, in Unix milliseconds; a refresh keeps it. */
  authTime: number;
  /** True when a second factor was satisfied (a TOTP or recovery code, or a passkey). */
  mfa: boolean;
  /** The client's address as `trustProxy` resolved it; kept on the session record. */
  clientAddress?: string | null;
}

/** What a login or a refresh hands out on a backend with refresh tokens (docs/sessions.md). */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives (`expires_in`); null when it does not expire. */
  expiresIn: number | null;
  /** Seconds the refresh token may still be used (the refresh cookie's `Max-Age`). */
  refreshMaxAge: number;
}

/**
 * Refresh tokens of a strategy given `refresh` (docs/sessions.md): every use rotates, the
 * previous token still yields the same successor within the grace window, and any older one
 * revokes the session.
 */
export interface RefreshGrant<U extends User = User> {
  /** A new session: its first access token and refresh token. */
  login(user: U, context?: LoginContext): Promise<IssuedTokens>;
  /**
   * Rotates: the user and the next tokens, or a thrown 400 `REFRESH_TOKEN_BAD_TOKEN` for an
   * unknown, malformed, expired or revoked token, and for reuse after the grace window (which
   * also deletes the session and calls `onReuse` first).
   */
  rotate(
    refreshToken: string,
    users: UserLookup<U>,
    onReuse: (event: RefreshTokenReuseEvent) => Promise<void>,
  ): Promise<{ user: U; tokens: IssuedTokens }>;
}

/** How a strategy turns a token's subject back into a user. Null for anything unusable. */
export interface UserLookup<U extends User = User> {
  /** Parses the id and loads the user; null when the id is not parsable or the user is gone. */
  findById(id: string): Promise<U | null>;
}

/**
 * What a token means: how it is issued, read back and destroyed (see docs/contract/behaviour.md#backends).
 */
export interface Strategy<U extends User = User> {
  /** The user the token stands for, or null (bad, expired, revoked, or unknown user). */
  readToken(token: string, users: UserLookup<U>): Promise<U | null>;
  writeToken(user: U, context?: LoginContext): Promise<string>;
  /** Revokes the token; strategies that cannot (stateless JWT) do nothing. */
  destroyToken(token: string, user: U): Promise<void>;
  /**
   * Revokes every token of the user ("log out everywhere"). Absent on strategies that cannot
   * (a JWT strategy without a revocation store), so a caller can tell instead of believing a
   * no-op. Call it through `revokeAllForUser`, which covers every backend.
   */
  revokeAllForUser?(user: U): Promise<void>;
  /** Where the strategy keeps its logins as sessions; absent on stateless strategies. */
  readonly sessions?: SessionStore;
  /** The id of the session a token of this strategy belongs to, or null. */
  sessionIdOf?(token: string): Promise<string | null>;
  /**
   * The same strategy bound to the name of the backend it serves (session records carry it,
   * session JWTs are bound to it). `createPortcullis` calls it once per backend.
   */
  forBackend?(name: string): Strategy<U>;
  /** Present when the strategy issues refresh tokens. */
  readonly refresh?: RefreshGrant<U>;
}
