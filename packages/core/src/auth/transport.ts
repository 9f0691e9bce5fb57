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

/**
 * Where a token travels: how it is read from a request and how login/logout answer (see docs/contract/behaviour.md#backends).
 */
export interface Transport {
  readonly kind: 'bearer' | 'cookie' | (string & {});
  /** The credential, or null when absent (never an error by itself). */
  readToken(headers: CredentialHeaders): string | null;
  loginResponse(token: string): PortcullisResponse;
  logoutResponse(): PortcullisResponse;
  /** OpenAPI scheme name and definition for this transport. */
  readonly securityScheme: { name: string; scheme: SecurityScheme };
}
