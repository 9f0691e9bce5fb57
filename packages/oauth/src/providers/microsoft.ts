import type { OAuthClient, OAuthIdentity } from '@portcullis/core';
import { OAuthClientError } from '../errors';
import { createClientFromSpec } from '../internal/base-client';
import type { ProviderHttp } from '../internal/provider-http';
import { type ClientCredentials, oauth2Spec } from '../oauth2-client';

/**
 * Options of {@link createMicrosoftClient}.
 *
 * @example
 * ```ts
 * const options: MicrosoftClientOptions = { clientId, clientSecret, tenant: 'organizations' };
 * ```
 */
export interface MicrosoftClientOptions extends ClientCredentials {
  /** Default `microsoft`. */
  name?: string;
  /** `common` (default), `organizations`, `consumers` or a tenant id. */
  tenant?: string;
}

/**
 * Microsoft Graph `/me`, as httpx-oauth reads it (see docs/contract/behaviour.md#oauth-providers): the email is the
 * `userPrincipalName`, which Graph does not claim to have verified.
 */
async function microsoftIdentity(http: ProviderHttp, accessToken: string): Promise<OAuthIdentity> {
  const me = (await http.getJson('https://graph.microsoft.com/v1.0/me', accessToken)) as {
    id?: unknown;
    userPrincipalName?: unknown;
  };
  if (typeof me?.id !== 'string') {
    throw new OAuthClientError('OAUTH_PROFILE_REQUEST_FAILED', http.provider);
  }
  const email = typeof me.userPrincipalName === 'string' ? me.userPrincipalName : null;
  return { id: me.id, email, emailVerified: false };
}

/**
 * Microsoft identity platform v2 (see docs/contract/behaviour.md#oauth-providers): scope `User.Read`, `response_mode=query`,
 * refresh (ask for `offline_access`). Microsoft has no revocation endpoint: `revoke` throws
 * OAUTH_NOT_SUPPORTED. Its emails are not flagged verified, so `associateByEmail` links only with
 * `dangerouslyTrustProviderEmail` (for a single, managed tenant).
 *
 * @example
 * ```ts
 * const microsoft = createMicrosoftClient({
 *   clientId: process.env.MS_CLIENT_ID,
 *   clientSecret: process.env.MS_CLIENT_SECRET,
 *   tenant: process.env.MS_TENANT_ID,
 * });
 * ```
 */
export function createMicrosoftClient(options: MicrosoftClientOptions): OAuthClient {
  const tenant = encodeURIComponent(options.tenant ?? 'common');
  const base = `https://login.microsoftonline.com/${tenant}`;
  const spec = oauth2Spec(
    {
      ...options,
      name: options.name ?? 'microsoft',
      authorizationEndpoint: `${base}/oauth2/v2.0/authorize`,
      tokenEndpoint: `${base}/oauth2/v2.0/token`,
    },
    (accessToken) => microsoftIdentity(spec.transport, accessToken),
    ['User.Read'],
    { authorizationParams: { response_mode: 'query' } },
  );
  return createClientFromSpec(spec);
}
