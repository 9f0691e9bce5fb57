import type { OAuthClient, OAuthIdentity } from '@portcullis/core';
import { OAuthClientError } from '../errors';
import { createClientFromSpec } from '../internal/base-client';
import type { ProviderHttp } from '../internal/provider-http';
import { type ClientCredentials, oauth2Spec } from '../oauth2-client';

/**
 * Options of {@link createDiscordClient}.
 *
 * @example
 * ```ts
 * const options: DiscordClientOptions = { clientId, clientSecret };
 * ```
 */
export interface DiscordClientOptions extends ClientCredentials {
  /** Default `discord`. */
  name?: string;
}

/** `/users/@me`: no email unless Discord verified it (httpx-oauth, docs/contract/behaviour.md#oauth-providers). */
async function discordIdentity(http: ProviderHttp, accessToken: string): Promise<OAuthIdentity> {
  const me = (await http.getJson('https://discord.com/api/users/@me', accessToken)) as {
    id?: unknown;
    email?: unknown;
    verified?: unknown;
  };
  if (typeof me?.id !== 'string') {
    throw new OAuthClientError('OAUTH_PROFILE_REQUEST_FAILED', http.provider);
  }
  const verified = me.verified === true;
  const email = verified && typeof me.email === 'string' ? me.email : null;
  return { id: me.id, email, emailVerified: verified };
}

/**
 * Discord (see docs/contract/behaviour.md#oauth-providers): scopes `identify email`, `client_secret_basic`, refresh and RFC 7009
 * revocation.
 *
 * @example
 * ```ts
 * const discord = createDiscordClient({
 *   clientId: process.env.DISCORD_CLIENT_ID,
 *   clientSecret: process.env.DISCORD_CLIENT_SECRET,
 * });
 * ```
 */
export function createDiscordClient(options: DiscordClientOptions): OAuthClient {
  const spec = oauth2Spec(
    {
      ...options,
      name: options.name ?? 'discord',
      authorizationEndpoint: 'https://discord.com/oauth2/authorize',
      tokenEndpoint: 'https://discord.com/api/oauth2/token',
      revocationEndpoint: 'https://discord.com/api/oauth2/token/revoke',
      tokenEndpointAuthMethod: 'client_secret_basic',
    },
    (accessToken) => discordIdentity(spec.transport, accessToken),
    ['identify', 'email'],
  );
  return createClientFromSpec(spec);
}
