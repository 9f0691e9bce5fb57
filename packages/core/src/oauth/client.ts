/**
 * What the OAuth routers need from a provider client, described structurally so core never
 * imports an OAuth library: `@portcullis/oauth` implements it on oauth4webapi, and any object
 * of this shape works (docs/contract/behaviour.md#oauth-clients, httpx-oauth's `BaseOAuth2`, reduced to what is used).
 */

/**
 * Tokens from the provider's token endpoint.
 *
 * @example
 * ```ts
 * const tokens: OAuthTokens = { accessToken: 'gho_…', expiresAt: 1767225600, refreshToken: null };
 * ```
 */
export interface OAuthTokens {
  accessToken: string;
  /** Unix seconds; `now + expires_in` when the provider only sent `expires_in`; null if neither. */
  expiresAt: number | null;
  /** Null when the provider sent none (the stored one is then kept, docs/contract/quirks.md#oauth-refresh-token). */
  refreshToken: string | null;
}

/**
 * Who the provider says the user is.
 *
 * @example
 * ```ts
 * const me: OAuthIdentity = { id: '583231', email: 'octocat@github.com', emailVerified: true };
 * ```
 */
export interface OAuthIdentity {
  /** The provider-side account id (`account_id`). */
  id: string;
  /** Null when the provider has no usable email (→ 400 OAUTH_NOT_AVAILABLE_EMAIL). */
  email: string | null;
  /** True only when the provider states that it verified `email`. */
  emailVerified: boolean;
}

/**
 * Parameters of {@link OAuthClient.authorizationUrl}.
 *
 * @example
 * ```ts
 * const params: AuthorizationUrlParams = {
 *   redirectUri: 'https://app.example.com/auth/google/callback',
 *   state,
 *   codeChallenge,
 * };
 * ```
 */
export interface AuthorizationUrlParams {
  redirectUri: string;
  state: string;
  /** Replaces the client's base scopes when given (see docs/contract/routes.md#oauth-callback). */
  scopes?: readonly string[];
  /** PKCE S256 challenge (RFC 7636 §4.2); Portcullis always sends one. */
  codeChallenge: string;
}

/**
 * Parameters of {@link OAuthClient.exchangeCode}.
 *
 * @example
 * ```ts
 * const params: ExchangeCodeParams = { code, redirectUri, codeVerifier, iss: null };
 * ```
 */
export interface ExchangeCodeParams {
  code: string;
  /** The same redirect URI the authorization request carried (RFC 6749 §4.1.3). */
  redirectUri: string;
  codeVerifier: string;
  /**
   * The callback's `iss` parameter (RFC 9207), when the provider sent one; clients that know
   * their issuer compare it to defeat mix-up attacks.
   */
  iss?: string | null;
}

/**
 * An OAuth 2 / OpenID Connect client as the OAuth routers use it. Every method may throw on a
 * provider failure; the routers answer 400 `OAUTH_PROVIDER_ERROR` for any such error.
 *
 * @example
 * ```ts
 * import { createGitHubClient } from '@portcullis/oauth';
 * const github: OAuthClient = createGitHubClient({ clientId, clientSecret });
 * const router = portcullis.oauthRouter(github, 'jwt', { stateSecret: SECRET });
 * ```
 */
export interface OAuthClient {
  /** Stored as `oauth_name` and used in route names (`oauth:github.jwt.callback`). */
  readonly name: string;
  authorizationUrl(params: AuthorizationUrlParams): Promise<string>;
  exchangeCode(params: ExchangeCodeParams): Promise<OAuthTokens>;
  getIdEmail(accessToken: string): Promise<OAuthIdentity>;
  refresh(refreshToken: string): Promise<OAuthTokens>;
  revoke(token: string, tokenTypeHint?: 'access_token' | 'refresh_token'): Promise<void>;
}
