import type { OAuthClient, OAuthIdentity } from '@portcullis/core';
import { OAuthClientError } from '../errors';
import { createClientFromSpec } from '../internal/base-client';
import type { ProviderHttp } from '../internal/provider-http';
import { type ClientCredentials, oauth2Spec } from '../oauth2-client';

/**
 * Options of {@link createGoogleClient}.
 *
 * @example
 * ```ts
 * // Ask for a refresh token too:
 * const options: GoogleClientOptions = {
 *   clientId,
 *   clientSecret,
 *   authorizationParams: { access_type: 'offline', prompt: 'consent' },
 * };
 * ```
 */
export interface GoogleClientOptions extends ClientCredentials {
  /** Default `google`. */
  name?: string;
}

interface PeopleEmail {
  value?: unknown;
  metadata?: { primary?: unknown; verified?: unknown };
}

/**
 * People API, as httpx-oauth reads it (see docs/contract/behaviour.md#oauth-providers): the id is `resourceName` (`people/…`, so
 * rows linked by FastAPI Users keep matching), the email is the primary address.
 */
async function googleIdentity(http: ProviderHttp, accessToken: string): Promise<OAuthIdentity> {
  const person = (await http.getJson(
    'https://people.googleapis.com/v1/people/me?personFields=emailAddresses',
    accessToken,
  )) as { resourceName?: unknown; emailAddresses?: unknown };
  if (typeof person?.resourceName !== 'string') {
    throw new OAuthClientError('OAUTH_PROFILE_REQUEST_FAILED', http.provider);
  }
  const emails = Array.isArray(person.emailAddresses)
    ? (person.emailAddresses as PeopleEmail[])
    : [];
  const primary = emails.find((e) => e.metadata?.primary === true);
  return {
    id: person.resourceName,
    email: typeof primary?.value === 'string' ? primary.value : null,
    emailVerified: primary?.metadata?.verified === true,
  };
}

/**
 * Google (see docs/contract/behaviour.md#oauth-providers): scopes `userinfo.profile userinfo.email`, refresh, RFC 7009 revocation,
 * and the callback `iss` checked against `https://accounts.google.com` (RFC 9207).
 *
 * @example
 * ```ts
 * const google = createGoogleClient({
 *   clientId: process.env.GOOGLE_CLIENT_ID,
 *   clientSecret: process.env.GOOGLE_CLIENT_SECRET,
 * });
 * ```
 */
export function createGoogleClient(options: GoogleClientOptions): OAuthClient {
  const spec = oauth2Spec(
    {
      ...options,
      name: options.name ?? 'google',
      issuer: 'https://accounts.google.com',
      authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenEndpoint: 'https://oauth2.googleapis.com/token',
      revocationEndpoint: 'https://oauth2.googleapis.com/revoke',
    },
    (accessToken) => googleIdentity(spec.transport, accessToken),
    [
      'https://www.googleapis.com/auth/userinfo.profile',
      'https://www.googleapis.com/auth/userinfo.email',
    ],
  );
  return createClientFromSpec(spec);
}
