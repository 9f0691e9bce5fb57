import { createGoogleClient } from '@portcullis/oauth';
import { afterEach, describe, expect, test } from 'vitest';
import { failure } from './support/failure';
import { type FakeProvider, type FakeRoutes, startFakeProvider } from './support/fake-provider';

// Responses as Google documents them ("Using OAuth 2.0 for Web Server Applications", People API).
const TOKEN = {
  access_token: '1/fFAGRNJru1FTz70BzhT3Zg',
  expires_in: 3920,
  token_type: 'Bearer',
  scope: 'https://www.googleapis.com/auth/userinfo.email',
  refresh_token: '1//xEoDL4iW3cxlI7yDbSRFYNG01kVKM2C-259HOF2aQbI',
};
const PERSON = {
  resourceName: 'people/10000000000000000000',
  etag: '%EgUBAi43PRoEAQIFByIMaVVCMWdRVWZ6Y1k9',
  emailAddresses: [
    {
      metadata: { primary: false, verified: true, source: { type: 'CONTACT', id: '1' } },
      value: 'contact@example.com',
    },
    {
      metadata: {
        primary: true,
        verified: true,
        source: { type: 'ACCOUNT', id: '10000000000000000000' },
        sourcePrimary: true,
      },
      value: 'arthur@gmail.com',
    },
  ],
};

const CREDENTIALS = { clientId: '123-abc.apps.googleusercontent.com', clientSecret: 'g-secret' };
const REDIRECT = 'https://app.example.com/auth/google/callback';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function google(
  routes: FakeRoutes,
  extra: { authorizationParams?: Record<string, string> } = {},
) {
  fake = await startFakeProvider(routes);
  return { client: createGoogleClient({ ...CREDENTIALS, ...extra, fetch: fake.fetch }), fake };
}

describe('Google preset (against a local fake serving Google documented responses)', () => {
  test('builds the authorize URL with the userinfo scopes and extra parameters', async () => {
    const { client } = await google({}, { authorizationParams: { access_type: 'offline' } });
    const url = new URL(
      await client.authorizationUrl({ redirectUri: REDIRECT, state: 'st', codeChallenge: 'ch' }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(url.searchParams.get('scope')).toBe(
      'https://www.googleapis.com/auth/userinfo.profile ' +
        'https://www.googleapis.com/auth/userinfo.email',
    );
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(client.name).toBe('google');
  });

  test('exchanges the code and accepts the iss Google adds to the callback', async () => {
    const { client, fake } = await google({
      'POST oauth2.googleapis.com/token': () => ({ json: TOKEN }),
    });
    const tokens = await client.exchangeCode({
      code: '4/P7q7W91a-oMsCeLvIaQm6bTrgtp7',
      redirectUri: REDIRECT,
      codeVerifier: 'v',
      iss: 'https://accounts.google.com',
    });
    expect(tokens.accessToken).toBe(TOKEN.access_token);
    expect(tokens.refreshToken).toBe(TOKEN.refresh_token);
    const form = fake.last('POST oauth2.googleapis.com/token').form;
    expect(form.get('client_secret')).toBe(CREDENTIALS.clientSecret);
    expect(form.get('code_verifier')).toBe('v');
  });

  test('refuses a callback iss from another issuer before calling the token endpoint', async () => {
    const { client, fake } = await google({
      'POST oauth2.googleapis.com/token': () => ({ json: TOKEN }),
    });
    const error = await failure(
      client.exchangeCode({
        code: 'c',
        redirectUri: REDIRECT,
        codeVerifier: 'v',
        iss: 'https://evil.test',
      }),
    );
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(fake.requests).toHaveLength(0);
  });

  test('reports invalid_grant with its status', async () => {
    const { client } = await google({
      'POST oauth2.googleapis.com/token': () => ({
        status: 400,
        json: { error: 'invalid_grant', error_description: 'Bad Request' },
      }),
    });
    const error = await failure(
      client.exchangeCode({ code: 'c', redirectUri: REDIRECT, codeVerifier: 'v' }),
    );
    expect(error).toMatchObject({
      code: 'OAUTH_TOKEN_REQUEST_FAILED',
      status: 400,
      providerError: 'invalid_grant',
    });
  });

  test('reads resourceName and the primary, verified email from the People API', async () => {
    const { client, fake } = await google({
      'GET people.googleapis.com/v1/people/me': () => ({ json: PERSON }),
    });
    expect(await client.getIdEmail(TOKEN.access_token)).toEqual({
      id: 'people/10000000000000000000',
      email: 'arthur@gmail.com',
      emailVerified: true,
    });
    const request = fake.last('GET people.googleapis.com/v1/people/me');
    expect(request.query.get('personFields')).toBe('emailAddresses');
  });

  test('revokes with RFC 7009 and the token type hint', async () => {
    const { client, fake } = await google({
      'POST oauth2.googleapis.com/revoke': () => ({ status: 200, json: {} }),
    });
    await client.revoke(TOKEN.refresh_token, 'refresh_token');
    const form = fake.last('POST oauth2.googleapis.com/revoke').form;
    expect(form.get('token')).toBe(TOKEN.refresh_token);
    expect(form.get('token_type_hint')).toBe('refresh_token');
  });

  test('a refused revocation is OAUTH_REVOCATION_FAILED', async () => {
    const { client } = await google({
      'POST oauth2.googleapis.com/revoke': () => ({
        status: 400,
        json: { error: 'invalid_token', error_description: 'Token expired or revoked' },
      }),
    });
    const error = await failure(client.revoke('gone'));
    expect(error).toMatchObject({
      code: 'OAUTH_REVOCATION_FAILED',
      providerError: 'invalid_token',
    });
  });
});
