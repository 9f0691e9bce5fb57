import type { OAuthClient, OAuthIdentity } from '@portcullis/core';
import { OAuthClientError } from '../errors';
import { createClientFromSpec } from '../internal/base-client';
import type { ProviderHttp } from '../internal/provider-http';
import { type ClientCredentials, oauth2Spec } from '../oauth2-client';

/**
 * Options of {@link createGitHubClient}.
 *
 * @example
 * ```ts
 * const options: GitHubClientOptions = { clientId, clientSecret };
 * ```
 */
export interface GitHubClientOptions extends ClientCredentials {
  /** Default `github`. */
  name?: string;
}

const API = 'https://api.github.com';
// GitHub's REST API refuses requests without a User-Agent and versions its media type.
const API_HEADERS = {
  accept: 'application/vnd.github+json',
  'user-agent': 'portcullis',
  'x-github-api-version': '2022-11-28',
};

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

async function emailsOf(http: ProviderHttp, accessToken: string): Promise<GitHubEmail[]> {
  try {
    const list = await http.getJson(`${API}/user/emails`, accessToken, API_HEADERS);
    return Array.isArray(list) ? (list as GitHubEmail[]) : [];
  } catch (error) {
    // 403/404: the token lacks the `user:email` scope; the public email is all there is.
    if (error instanceof OAuthClientError && (error.status === 403 || error.status === 404)) {
      return [];
    }
    throw error;
  }
}

/**
 * The id is the numeric user id; the email is the public profile email, else the primary one
 * from `/user/emails` (httpx-oauth, docs/contract/behaviour.md#oauth-providers), verified when `/user/emails` says so.
 */
async function gitHubIdentity(http: ProviderHttp, accessToken: string): Promise<OAuthIdentity> {
  const profile = (await http.getJson(`${API}/user`, accessToken, API_HEADERS)) as {
    id?: unknown;
    email?: unknown;
  };
  if (typeof profile?.id !== 'number' && typeof profile?.id !== 'string') {
    throw new OAuthClientError('OAUTH_PROFILE_REQUEST_FAILED', http.provider);
  }
  const emails = await emailsOf(http, accessToken);
  const publicEmail = typeof profile.email === 'string' && profile.email ? profile.email : null;
  const entry = publicEmail
    ? emails.find((e) => e.email === publicEmail)
    : (emails.find((e) => e.primary === true) ?? emails[0]);
  const email = publicEmail ?? (typeof entry?.email === 'string' ? entry.email : null);
  return { id: String(profile.id), email, emailVerified: entry?.verified === true };
}

/**
 * GitHub OAuth Apps (see docs/contract/behaviour.md#oauth-providers): scopes `user user:email`, `client_secret_post`, refresh for
 * expiring user tokens, and revocation through `DELETE /applications/{client_id}/token`
 * (GitHub has no RFC 7009 endpoint). GitHub answers a refused code with HTTP 200 and an
 * `error` body; that is an OAUTH_TOKEN_REQUEST_FAILED with `providerError` set, not a crash.
 *
 * @example
 * ```ts
 * const github = createGitHubClient({
 *   clientId: process.env.GITHUB_CLIENT_ID,
 *   clientSecret: process.env.GITHUB_CLIENT_SECRET,
 * });
 * ```
 */
export function createGitHubClient(options: GitHubClientOptions): OAuthClient {
  const name = options.name ?? 'github';
  const spec = oauth2Spec(
    {
      ...options,
      name,
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
    },
    (accessToken) => gitHubIdentity(spec.transport, accessToken),
    ['user', 'user:email'],
    {
      async revoke(token) {
        const basic = btoa(`${options.clientId}:${options.clientSecret}`);
        const url = new URL(`${API}/applications/${encodeURIComponent(options.clientId)}/token`);
        const response = await spec.transport.send(url, {
          method: 'DELETE',
          headers: {
            ...API_HEADERS,
            authorization: `Basic ${basic}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ access_token: token }),
        });
        await response.body?.cancel();
        if (response.status !== 204) {
          throw new OAuthClientError('OAUTH_REVOCATION_FAILED', name, { status: response.status });
        }
      },
    },
  );
  return createClientFromSpec(spec);
}
