import { createOAuth2Client, type OAuth2ClientOptions } from '@portcullis/oauth';
import { afterEach, describe, expect, test } from 'vitest';
import { failure } from './support/failure';
import { type FakeProvider, type FakeRoutes, startFakeProvider } from './support/fake-provider';

const REDIRECT = 'https://app.example.com/auth/acme/callback';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const options = (extra: Partial<OAuth2ClientOptions> = {}): OAuth2ClientOptions => ({
  name: 'acme',
  clientId: 'acme-id',
  clientSecret: 'acme-secret',
  authorizationEndpoint: 'https://id.acme.test/oauth/authorize?prompt=login',
  tokenEndpoint: 'https://id.acme.test/oauth/token',
  async getIdEmail(token, http) {
    const me = (await http.getJson('https://api.acme.test/me', token)) as {
      id: number;
      email: string;
    };
    return { id: String(me.id), email: me.email, emailVerified: false };
  },
  ...extra,
});

async function acme(routes: FakeRoutes, extra: Partial<OAuth2ClientOptions> = {}) {
  fake = await startFakeProvider(routes);
  return { client: createOAuth2Client(options({ fetch: fake.fetch, ...extra })), fake };
}

describe('createOAuth2Client (generic OAuth 2)', () => {
  test('keeps query parameters of the authorization endpoint and honours baseScopes', async () => {
    const { client } = await acme({}, { baseScopes: ['read', 'email'] });
    const url = new URL(
      await client.authorizationUrl({ redirectUri: REDIRECT, state: 's', codeChallenge: 'c' }),
    );
    expect(url.searchParams.get('prompt')).toBe('login');
    expect(url.searchParams.get('scope')).toBe('read email');
    const replaced = new URL(
      await client.authorizationUrl({
        redirectUri: REDIRECT,
        state: 's',
        codeChallenge: 'c',
        scopes: ['profile'],
      }),
    );
    expect(replaced.searchParams.get('scope')).toBe('profile');
  });

  test('runs the custom identity lookup with the access token', async () => {
    const { client, fake } = await acme({
      'GET api.acme.test/me': () => ({ json: { id: 7, email: 'arthur@acme.test' } }),
    });
    expect(await client.getIdEmail('tok')).toEqual({
      id: '7',
      email: 'arthur@acme.test',
      emailVerified: false,
    });
    expect(fake.last('GET api.acme.test/me').headers.authorization).toBe('Bearer tok');
  });

  test('answers a profile body that is not JSON with OAUTH_PROFILE_REQUEST_FAILED', async () => {
    const { client } = await acme({
      'GET api.acme.test/me': () => ({ status: 200, headers: { 'content-type': 'text/html' } }),
    });
    expect((await failure(client.getIdEmail('tok'))).code).toBe('OAUTH_PROFILE_REQUEST_FAILED');
  });

  test('a token response without access_token is OAUTH_TOKEN_REQUEST_FAILED', async () => {
    const { client } = await acme({
      'POST id.acme.test/oauth/token': () => ({ json: { token_type: 'bearer' } }),
    });
    const error = await failure(
      client.exchangeCode({ code: 'c', redirectUri: REDIRECT, codeVerifier: 'v' }),
    );
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
  });

  test('revoke without a revocation endpoint is OAUTH_NOT_SUPPORTED', async () => {
    const { client } = await acme({});
    expect((await failure(client.revoke('t'))).code).toBe('OAUTH_NOT_SUPPORTED');
  });

  test('with an issuer, a different callback iss is refused', async () => {
    const { client, fake } = await acme(
      {
        'POST id.acme.test/oauth/token': () => ({
          json: { access_token: 'a', token_type: 'bearer' },
        }),
      },
      { issuer: 'https://id.acme.test' },
    );
    const params = { code: 'c', redirectUri: REDIRECT, codeVerifier: 'v' };
    expect(
      (await client.exchangeCode({ ...params, iss: 'https://id.acme.test' })).accessToken,
    ).toBe('a');
    expect((await failure(client.exchangeCode({ ...params, iss: 'https://x.test' }))).code).toBe(
      'OAUTH_TOKEN_REQUEST_FAILED',
    );
    expect(fake.requests).toHaveLength(1);
  });

  test('refuses http:// endpoints unless dangerouslyAllowInsecureHttp is set', async () => {
    fake = await startFakeProvider({
      'POST 127.0.0.1:9/token': () => ({ json: { access_token: 'a', token_type: 'bearer' } }),
    });
    const local = { tokenEndpoint: 'http://127.0.0.1:9/token', fetch: fake.fetch };
    const params = { code: 'c', redirectUri: REDIRECT, codeVerifier: 'v' };
    const strict = createOAuth2Client(options(local));
    expect((await failure(strict.exchangeCode(params))).code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(fake.requests).toHaveLength(0);
    const loose = createOAuth2Client(options({ ...local, dangerouslyAllowInsecureHttp: true }));
    expect((await loose.exchangeCode(params)).accessToken).toBe('a');
  });

  test('a network failure is an OAuthClientError, not an unhandled TypeError', async () => {
    const client = createOAuth2Client(
      options({
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
      }),
    );
    const error = await failure(
      client.exchangeCode({ code: 'c', redirectUri: REDIRECT, codeVerifier: 'v' }),
    );
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(error.status).toBeNull();
  });
});
