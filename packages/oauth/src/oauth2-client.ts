import type { OAuthClient, OAuthIdentity } from '@portcullis/core';
import type { AuthorizationServer } from 'oauth4webapi';
import {
  type ClientSpec,
  clientAuthFor,
  createClientFromSpec,
  type ServerInfo,
  type TokenEndpointAuthMethod,
} from './internal/base-client';
import {
  createProviderHttp,
  type ProviderHttp,
  type ProviderHttpOptions,
} from './internal/provider-http';

/**
 * Credentials and transport every client takes.
 *
 * @example
 * ```ts
 * const credentials: ClientCredentials = {
 *   clientId: process.env.GITHUB_CLIENT_ID,
 *   clientSecret: process.env.GITHUB_CLIENT_SECRET,
 * };
 * ```
 */
export interface ClientCredentials extends ProviderHttpOptions {
  clientId: string;
  clientSecret: string;
  /** Replaces the client's default scopes in every authorization URL. */
  baseScopes?: readonly string[];
  /** Added to every authorization URL, e.g. Google's `{ access_type: 'offline' }`. */
  authorizationParams?: Readonly<Record<string, string>>;
}

/**
 * Options of {@link createOAuth2Client}: any OAuth 2 provider, with your own identity lookup.
 *
 * @example
 * ```ts
 * type Me = { id: number; email: string };
 * const options: OAuth2ClientOptions = {
 *   name: 'acme',
 *   clientId,
 *   clientSecret,
 *   authorizationEndpoint: 'https://id.acme.test/oauth/authorize',
 *   tokenEndpoint: 'https://id.acme.test/oauth/token',
 *   getIdEmail: async (token, http) => {
 *     const me = (await http.getJson('https://api.acme.test/me', token)) as Me;
 *     return { id: String(me.id), email: me.email, emailVerified: false };
 *   },
 * };
 * ```
 */
export interface OAuth2ClientOptions extends ClientCredentials {
  /** Stored as `oauth_name`; default `oauth2`. */
  name?: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 7009 endpoint; without it `revoke` throws OAUTH_NOT_SUPPORTED. */
  revocationEndpoint?: string;
  /** Default `client_secret_post`, httpx-oauth's default (see docs/contract/behaviour.md#oauth-clients). */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /**
   * The provider's issuer identifier. When set, a callback `iss` parameter must equal it
   * (RFC 9207) and ID tokens in token responses are checked against it.
   */
  issuer?: string;
  /** Reads the account id and email with an access token. */
  getIdEmail(accessToken: string, http: ProviderHttp): Promise<OAuthIdentity>;
}

/**
 * Internal to the presets: a generic client whose identity lookup may also use the metadata.
 */
export function oauth2Spec(
  options: Omit<OAuth2ClientOptions, 'getIdEmail'> & { name: string },
  getIdEmail: ClientSpec['getIdEmail'],
  defaultScopes: readonly string[],
  extras: Partial<Pick<ClientSpec, 'revoke' | 'authorizationParams'>> = {},
): ClientSpec {
  const transport = createProviderHttp(options.name, options);
  const as: AuthorizationServer = {
    // oauth4webapi needs an issuer; without a known one, the authorization endpoint's origin
    // stands in and the callback `iss` is not compared.
    issuer: options.issuer ?? new URL(options.authorizationEndpoint).origin,
    authorization_endpoint: options.authorizationEndpoint,
    token_endpoint: options.tokenEndpoint,
    ...(options.revocationEndpoint ? { revocation_endpoint: options.revocationEndpoint } : {}),
  };
  const info: ServerInfo = {
    as,
    client: { client_id: options.clientId },
    auth: clientAuthFor(
      options.tokenEndpointAuthMethod ?? 'client_secret_post',
      options.clientSecret,
    ),
  };
  return {
    name: options.name,
    server: async () => info,
    baseScopes: Object.freeze([...(options.baseScopes ?? defaultScopes)]),
    authorizationParams: Object.freeze({
      ...extras.authorizationParams,
      ...options.authorizationParams,
    }),
    checkIss: options.issuer !== undefined,
    transport,
    getIdEmail,
    ...(extras.revoke ? { revoke: extras.revoke } : {}),
  };
}

/**
 * A generic OAuth 2 client (httpx-oauth's `OAuth2`, docs/contract/behaviour.md#oauth-clients) on oauth4webapi: authorization
 * URL with PKCE, code exchange, refresh and revocation; the identity lookup is yours.
 *
 * @example
 * ```ts
 * type Me = { id: number; email: string };
 * const acme = createOAuth2Client({
 *   name: 'acme',
 *   clientId,
 *   clientSecret,
 *   authorizationEndpoint: 'https://id.acme.test/oauth/authorize',
 *   tokenEndpoint: 'https://id.acme.test/oauth/token',
 *   getIdEmail: async (token, http) => {
 *     const me = (await http.getJson('https://api.acme.test/me', token)) as Me;
 *     return { id: String(me.id), email: me.email, emailVerified: false };
 *   },
 * });
 * app.use(portcullis.oauthRouter(acme, 'jwt', { stateSecret }));
 * ```
 */
export function createOAuth2Client(options: OAuth2ClientOptions): OAuthClient {
  const name = options.name ?? 'oauth2';
  const spec = oauth2Spec(
    { ...options, name },
    (accessToken) => options.getIdEmail(accessToken, spec.transport),
    [],
  );
  return createClientFromSpec(spec);
}
