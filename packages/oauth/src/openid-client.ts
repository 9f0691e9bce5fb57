import type { OAuthClient } from '@portcullis/core';
import {
  discoveryRequest,
  processDiscoveryResponse,
  processUserInfoResponse,
  skipSubjectCheck,
  userInfoRequest,
} from 'oauth4webapi';
import { OAuthClientError } from './errors';
import {
  clientAuthFor,
  createClientFromSpec,
  type ServerInfo,
  type TokenEndpointAuthMethod,
} from './internal/base-client';
import { createProviderHttp } from './internal/provider-http';
import type { ClientCredentials } from './oauth2-client';

/**
 * Options of {@link createOpenIdClient}.
 *
 * @example
 * ```ts
 * const options: OpenIdClientOptions = {
 *   issuer: 'https://accounts.example.com',
 *   clientId,
 *   clientSecret,
 * };
 * ```
 */
export interface OpenIdClientOptions extends ClientCredentials {
  /** Stored as `oauth_name`; default `openid` (httpx-oauth's). */
  name?: string;
  /**
   * The issuer identifier, or its discovery document URL
   * (`…/.well-known/openid-configuration`). The document must name exactly this issuer.
   */
  issuer: string | URL;
  /** Default: the first of `client_secret_basic` / `client_secret_post` the provider lists. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
}

const WELL_KNOWN = '/.well-known/openid-configuration';

function issuerOf(value: string | URL): URL {
  const url = new URL(value);
  if (url.pathname.endsWith(WELL_KNOWN)) {
    url.pathname = url.pathname.slice(0, -WELL_KNOWN.length) || '/';
  }
  return url;
}

function authMethod(
  supported: readonly string[] | undefined,
  preferred: TokenEndpointAuthMethod | undefined,
): TokenEndpointAuthMethod {
  if (preferred) return preferred;
  // OpenID Connect Discovery §3: an absent list means client_secret_basic.
  const usable = (supported ?? ['client_secret_basic']).find(
    (method): method is TokenEndpointAuthMethod =>
      method === 'client_secret_basic' || method === 'client_secret_post',
  );
  return usable ?? 'client_secret_basic';
}

/**
 * An OpenID Connect client configured by discovery (httpx-oauth's `OpenID`, docs/contract/behaviour.md#oauth-providers). The
 * discovery document is fetched on first use, not at construction (a provider that is down at
 * boot does not stop the app), cached, and fetched again after a failure. The account id is the
 * userinfo `sub`; the email is the userinfo `email` with its `email_verified`; a callback `iss`
 * must match the issuer (RFC 9207).
 *
 * @example
 * ```ts
 * const oidc = createOpenIdClient({
 *   name: 'oidc',
 *   issuer: 'https://accounts.example.com',
 *   clientId: process.env.OIDC_CLIENT_ID,
 *   clientSecret: process.env.OIDC_CLIENT_SECRET,
 * });
 * const router = portcullis.oauthRouter(oidc, 'jwt', { stateSecret });
 * ```
 */
export function createOpenIdClient(options: OpenIdClientOptions): OAuthClient {
  const name = options.name ?? 'openid';
  const issuer = issuerOf(options.issuer);
  const http = createProviderHttp(name, options);
  let discovered: Promise<ServerInfo> | undefined;

  const discover = async (): Promise<ServerInfo> => {
    const response = await discoveryRequest(issuer, http.options());
    const as = await processDiscoveryResponse(issuer, response);
    const method = authMethod(
      as.token_endpoint_auth_methods_supported,
      options.tokenEndpointAuthMethod,
    );
    return {
      as,
      client: { client_id: options.clientId },
      auth: clientAuthFor(method, options.clientSecret),
    };
  };

  return createClientFromSpec({
    name,
    server() {
      discovered ??= discover().catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
      return discovered;
    },
    baseScopes: Object.freeze([...(options.baseScopes ?? ['openid', 'email'])]),
    authorizationParams: Object.freeze({ ...options.authorizationParams }),
    checkIss: true,
    transport: http,
    async getIdEmail(accessToken, { as, client }) {
      if (!as.userinfo_endpoint) throw new OAuthClientError('OAUTH_NOT_SUPPORTED', name);
      const response = await userInfoRequest(as, client, accessToken, http.options());
      // The access token alone does not tell which `sub` to expect; the userinfo answer over
      // TLS from the discovered endpoint is the source of the account id.
      const info = await processUserInfoResponse(as, client, skipSubjectCheck, response);
      const verified = info.email_verified as unknown;
      return {
        id: info.sub,
        email: typeof info.email === 'string' && info.email !== '' ? info.email : null,
        // Some providers send the flag as a string.
        emailVerified: verified === true || verified === 'true',
      };
    },
  });
}
