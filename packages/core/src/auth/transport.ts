import type { PortcullisResponse } from '../http/response';

/** The two headers a transport may read credentials from. */
export interface CredentialHeaders {
  authorization?: string | null;
  cookie?: string | null;
}

/** OpenAPI security scheme a transport contributes (see docs/contract/routes.md#openapi). */
export type SecurityScheme =
  | { type: 'oauth2'; flows: { password: { tokenUrl: string; scopes: Record<string, string> } } }
  | { type: 'apiKey'; in: 'cookie'; name: string };

/** The refresh part of a login or refresh answer (docs/sessions.md). */
export interface RefreshAnswer {
  refreshToken: string;
  /** Seconds the access token lives; null when it does not expire. */
  expiresIn: number | null;
  /** Seconds the refresh token may still be used. */
  refreshMaxAge: number;
  /** The backend's refresh route (`{prefix}/refresh`): the refresh cookie's `Path`. */
  refreshPath: string;
}

/**
 * Where a token travels: how it is read from a request and how login/logout answer (see docs/contract/behaviour.md#backends).
 */
export interface Transport {
  readonly kind: 'bearer' | 'cookie' | (string & {});
  /** The credential, or null when absent (never an error by itself). */
  readToken(headers: CredentialHeaders): string | null;
  /** The login (and refresh) answer; `refresh` on backends with refresh tokens. */
  loginResponse(token: string, refresh?: RefreshAnswer): PortcullisResponse;
  /** The logout answer; with `refreshPath`, a cookie transport also clears the refresh cookie. */
  logoutResponse(refreshPath?: string): PortcullisResponse;
  /**
   * The refresh token a request carries outside its body (the cookie transport's refresh
   * cookie), or null. Absent on transports whose refresh token comes in the JSON body.
   */
  readRefreshToken?(headers: CredentialHeaders): string | null;
  /** OpenAPI scheme name and definition for this transport. */
  readonly securityScheme: { name: string; scheme: SecurityScheme };
}
