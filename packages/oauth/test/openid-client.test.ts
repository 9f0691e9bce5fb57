import { createHash } from 'node:crypto';
import { createOpenIdClient } from '@portcullis/oauth';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBrowser } from './support/browser';
import { failure } from './support/failure';
import { startOidcProvider, type TestOidcProvider } from './support/oidc';

const CLIENT = { clientId: 'rp', clientSecret: 'rp-secret-rp-secret' };
const REDIRECT = 'http://127.0.0.1:9/callback';
const VERIFIER = 'a-code-verifier-a-code-verifier-a-code-verifier';

describe('createOpenIdClient against oidc-provider (a real OpenID provider on 127.0.0.1)', () => {
  let provider: TestOidcProvider;
  beforeAll(async () => {
    provider = await startOidcProvider();
    provider.accounts.set('alice', { email: 'alice@camelot.bt', email_verified: true });
    provider.accounts.set('bob', { email: 'bob@camelot.bt', email_verified: false });
    provider.configure([{ ...CLIENT, redirectUris: [REDIRECT] }]);
  });
  afterAll(async () => {
    await provider.close();
  });

  const client = (extra: Partial<Parameters<typeof createOpenIdClient>[0]> = {}) =>
    createOpenIdClient({
      name: 'oidc',
      issuer: provider.issuer,
      ...CLIENT,
      dangerouslyAllowInsecureHttp: true,
      ...extra,
    });

  /** Runs the browser part and returns the callback parameters. */
  const authorize = async (
    oidc: ReturnType<typeof client>,
    login: string,
    scopes?: string[],
  ): Promise<URLSearchParams> => {
    const url = await oidc.authorizationUrl({
      redirectUri: REDIRECT,
      state: 'st',
      codeChallenge: createHash('sha256').update(VERIFIER).digest('base64url'),
      ...(scopes ? { scopes } : {}),
    });
    const callback = await createBrowser().authorize(url, { login, stopAt: REDIRECT });
    return callback.searchParams;
  };

  test('discovers the provider on first use only, and once', async () => {
    const before = provider.requests.length;
    const oidc = client();
    expect(provider.requests.length).toBe(before);
    await oidc.authorizationUrl({ redirectUri: REDIRECT, state: 's', codeChallenge: 'c' });
    await oidc.authorizationUrl({ redirectUri: REDIRECT, state: 's', codeChallenge: 'c' });
    const discoveries = provider.requests
      .slice(before)
      .filter((r) => r.endsWith('/.well-known/openid-configuration'));
    expect(discoveries).toHaveLength(1);
  });

  test('builds the authorization URL with the base scopes and PKCE S256', async () => {
    const url = new URL(
      await client().authorizationUrl({ redirectUri: REDIRECT, state: 's', codeChallenge: 'ch' }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(`${provider.issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'rp',
      redirect_uri: REDIRECT,
      state: 's',
      scope: 'openid email',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });

  test('exchanges the code, reads the verified email, refreshes and revokes', async () => {
    const oidc = client();
    const params = await authorize(oidc, 'alice', ['openid', 'email', 'offline_access']);
    expect(params.get('state')).toBe('st');
    const tokens = await oidc.exchangeCode({
      code: params.get('code') ?? '',
      redirectUri: REDIRECT,
      codeVerifier: VERIFIER,
      iss: params.get('iss'),
    });
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(await oidc.getIdEmail(tokens.accessToken)).toEqual({
      id: 'alice',
      email: 'alice@camelot.bt',
      emailVerified: true,
    });
    const refreshed = await oidc.refresh(tokens.refreshToken ?? '');
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    await oidc.revoke(refreshed.accessToken, 'access_token');
    const revoked = await failure(oidc.getIdEmail(refreshed.accessToken));
    expect(revoked.code).toBe('OAUTH_PROFILE_REQUEST_FAILED');
    expect(revoked.status).toBe(401);
  });

  test('reports an unverified email as such, and none without the email scope', async () => {
    const oidc = client();
    const bob = await authorize(oidc, 'bob');
    const bobTokens = await oidc.exchangeCode({
      code: bob.get('code') ?? '',
      redirectUri: REDIRECT,
      codeVerifier: VERIFIER,
      iss: bob.get('iss'),
    });
    expect(await oidc.getIdEmail(bobTokens.accessToken)).toEqual({
      id: 'bob',
      email: 'bob@camelot.bt',
      emailVerified: false,
    });
    const plain = await authorize(oidc, 'alice', ['openid']);
    const tokens = await oidc.exchangeCode({
      code: plain.get('code') ?? '',
      redirectUri: REDIRECT,
      codeVerifier: VERIFIER,
      iss: plain.get('iss'),
    });
    expect((await oidc.getIdEmail(tokens.accessToken)).email).toBeNull();
  });

  test('a wrong PKCE verifier is refused by the provider (invalid_grant)', async () => {
    const oidc = client();
    const params = await authorize(oidc, 'alice');
    const error = await failure(
      oidc.exchangeCode({
        code: params.get('code') ?? '',
        redirectUri: REDIRECT,
        codeVerifier: `${VERIFIER}-wrong`,
        iss: params.get('iss'),
      }),
    );
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(error.providerError).toBe('invalid_grant');
    expect(error.status).toBe(400);
    expect(error.message).not.toContain(params.get('code') ?? '');
  });

  test('requires the iss the provider advertises (RFC 9207)', async () => {
    const error = await failure(
      client().exchangeCode({ code: 'x', redirectUri: REDIRECT, codeVerifier: VERIFIER }),
    );
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
  });

  test('refuses a callback whose iss names another issuer (RFC 9207 mix-up defence)', async () => {
    const before = provider.requests.filter((r) => r.endsWith('/token')).length;
    const error = await failure(
      client().exchangeCode({
        code: 'x',
        redirectUri: REDIRECT,
        codeVerifier: VERIFIER,
        iss: 'https://evil.example',
      }),
    );
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(provider.requests.filter((r) => r.endsWith('/token')).length).toBe(before);
  });

  test('accepts the discovery document URL as the issuer', async () => {
    const oidc = client({ issuer: `${provider.issuer}/.well-known/openid-configuration` });
    const url = await oidc.authorizationUrl({
      redirectUri: REDIRECT,
      state: 's',
      codeChallenge: 'c',
    });
    expect(url.startsWith(`${provider.issuer}/auth?`)).toBe(true);
  });

  test('refuses an http issuer unless dangerouslyAllowInsecureHttp is set', async () => {
    const error = await failure(
      client({ dangerouslyAllowInsecureHttp: false }).authorizationUrl({
        redirectUri: REDIRECT,
        state: 's',
        codeChallenge: 'c',
      }),
    );
    expect(error.code).toBe('OAUTH_DISCOVERY_FAILED');
  });

  test('refuses a discovery document that names another issuer, and retries later', async () => {
    const other = client({ issuer: provider.issuer.replace('127.0.0.1', 'localhost') });
    const params = { redirectUri: REDIRECT, state: 's', codeChallenge: 'c' };
    expect((await failure(other.authorizationUrl(params))).code).toBe('OAUTH_DISCOVERY_FAILED');
    expect((await failure(other.authorizationUrl(params))).code).toBe('OAUTH_DISCOVERY_FAILED');
  });
});
