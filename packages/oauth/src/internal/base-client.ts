import type {
  AuthorizationUrlParams,
  ExchangeCodeParams,
  OAuthClient,
  OAuthIdentity,
  OAuthTokens,
} from '@portcullis/core';
import {
  type AuthorizationServer,
  authorizationCodeGrantRequest,
  type Client,
  type ClientAuth,
  ClientSecretBasic,
  ClientSecretPost,
  processAuthorizationCodeResponse,
  processRefreshTokenResponse,
  processRevocationResponse,
  refreshTokenGrantRequest,
  revocationRequest,
  skipStateCheck,
  type TokenEndpointResponse,
  validateAuthResponse,
} from 'oauth4webapi';
import { OAuthClientError, toClientError } from '../errors';
import type { TokenEndpointAuthMethod } from '../token-endpoint-auth';
import type { ProviderHttp } from './provider-http';

export type { TokenEndpointAuthMethod };

/** The provider's metadata and how to authenticate to it, once known. */
export interface ServerInfo {
  as: AuthorizationServer;
  client: Client;
  auth: ClientAuth;
}

/** Everything a concrete client (generic, OIDC, preset) decides. */
export interface ClientSpec {
  name: string;
  /** Resolves the metadata; the OIDC client discovers it on first use. */
  server(): Promise<ServerInfo>;
  baseScopes: readonly string[];
  authorizationParams: Readonly<Record<string, string>>;
  /** Compare the callback's `iss` with the issuer (RFC 9207); only where the issuer is known. */
  checkIss: boolean;
  transport: ProviderHttp;
  getIdEmail(accessToken: string, server: ServerInfo): Promise<OAuthIdentity>;
  /** Replaces RFC 7009 revocation (GitHub deletes tokens through its REST API). */
  revoke?(token: string, server: ServerInfo): Promise<void>;
}

/**
 * The oauth4webapi client authentication for a method.
 *
 * @example
 * ```ts
 * const auth = clientAuthFor('client_secret_basic', clientSecret);
 * ```
 */
export function clientAuthFor(method: TokenEndpointAuthMethod, secret: string): ClientAuth {
  return method === 'client_secret_basic' ? ClientSecretBasic(secret) : ClientSecretPost(secret);
}

function toTokens(result: TokenEndpointResponse): OAuthTokens {
  const expiresAt = result.expires_at;
  let at: number | null = null;
  // `expires_at` as some providers send it, else now + `expires_in` (see docs/contract/behaviour.md#oauth-clients).
  if (typeof expiresAt === 'number' && Number.isFinite(expiresAt)) at = Math.floor(expiresAt);
  else if (typeof result.expires_in === 'number') {
    at = Math.floor(Date.now() / 1000 + result.expires_in);
  }
  return {
    accessToken: result.access_token,
    expiresAt: at,
    refreshToken: typeof result.refresh_token === 'string' ? result.refresh_token : null,
  };
}

/**
 * Builds an `OAuthClient` (the structural contract of `@portcullis/core`) from a spec: the
 * authorization URL with PKCE S256, the code exchange, refresh and RFC 7009 revocation on
 * oauth4webapi, and the spec's own identity lookup. Every failure is an OAuthClientError.
 *
 * @example
 * ```ts
 * const client = createClientFromSpec({ name: 'acme', server, baseScopes, … });
 * ```
 */
export function createClientFromSpec(spec: ClientSpec): OAuthClient {
  const { name, transport } = spec;

  const server = async (): Promise<ServerInfo> => {
    try {
      return await spec.server();
    } catch (error) {
      throw toClientError('OAUTH_DISCOVERY_FAILED', name, error);
    }
  };

  return Object.freeze({
    name,

    async authorizationUrl(params: AuthorizationUrlParams): Promise<string> {
      const { as, client } = await server();
      if (!as.authorization_endpoint) {
        throw new OAuthClientError('OAUTH_NOT_SUPPORTED', name);
      }
      const url = new URL(as.authorization_endpoint);
      const scopes = params.scopes ?? spec.baseScopes;
      // httpx-oauth's parameter order (see docs/contract/behaviour.md#oauth-clients), PKCE added (RFC 7636 §4.3).
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', client.client_id);
      url.searchParams.set('redirect_uri', params.redirectUri);
      url.searchParams.set('state', params.state);
      if (scopes.length > 0) url.searchParams.set('scope', scopes.join(' '));
      url.searchParams.set('code_challenge', params.codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
      for (const [key, value] of Object.entries(spec.authorizationParams)) {
        url.searchParams.set(key, value);
      }
      return url.href;
    },

    async exchangeCode(params: ExchangeCodeParams): Promise<OAuthTokens> {
      const info = await server();
      const { as, client, auth } = info;
      try {
        const callback = new URLSearchParams({ code: params.code });
        if (spec.checkIss && params.iss) callback.set('iss', params.iss);
        // The state was checked by the router before this call, hence skipStateCheck.
        const validated = validateAuthResponse(as, client, callback, skipStateCheck);
        const response = await authorizationCodeGrantRequest(
          as,
          client,
          auth,
          validated,
          params.redirectUri,
          params.codeVerifier,
          transport.options(),
        );
        return toTokens(await processAuthorizationCodeResponse(as, client, response));
      } catch (error) {
        throw toClientError('OAUTH_TOKEN_REQUEST_FAILED', name, error);
      }
    },

    async getIdEmail(accessToken: string): Promise<OAuthIdentity> {
      const info = await server();
      try {
        return await spec.getIdEmail(accessToken, info);
      } catch (error) {
        throw toClientError('OAUTH_PROFILE_REQUEST_FAILED', name, error);
      }
    },

    async refresh(refreshToken: string): Promise<OAuthTokens> {
      const { as, client, auth } = await server();
      try {
        const response = await refreshTokenGrantRequest(
          as,
          client,
          auth,
          refreshToken,
          transport.options(),
        );
        return toTokens(await processRefreshTokenResponse(as, client, response));
      } catch (error) {
        throw toClientError('OAUTH_TOKEN_REQUEST_FAILED', name, error);
      }
    },

    async revoke(token: string, tokenTypeHint?: 'access_token' | 'refresh_token'): Promise<void> {
      const info = await server();
      const { as, client, auth } = info;
      try {
        if (spec.revoke) return await spec.revoke(token, info);
        if (!as.revocation_endpoint) throw new OAuthClientError('OAUTH_NOT_SUPPORTED', name);
        const response = await revocationRequest(as, client, auth, token, {
          ...transport.options(),
          ...(tokenTypeHint ? { additionalParameters: { token_type_hint: tokenTypeHint } } : {}),
        });
        await processRevocationResponse(response);
      } catch (error) {
        throw toClientError('OAUTH_REVOCATION_FAILED', name, error);
      }
    },
  });
}
