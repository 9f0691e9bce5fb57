import { createGitHubClient } from '@portcullis/oauth';
import { afterEach, describe, expect, test } from 'vitest';
import { failure } from './support/failure';
import {
  basicCredentials,
  type FakeProvider,
  type FakeRoutes,
  startFakeProvider,
} from './support/fake-provider';

// Responses as GitHub documents them ("Authorizing OAuth apps", REST "Users" and "Emails").
const TOKEN = {
  access_token: 'gho_16C7e42F292c6912E7710c838347Ae178B4a',
  scope: 'repo,gist',
  token_type: 'bearer',
};
const EXPIRING_TOKEN = {
  access_token: 'ghu_16C7e42F292c6912E7710c838347Ae178B4a',
  expires_in: 28800,
  refresh_token: 'ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498',
  refresh_token_expires_in: 15811200,
  scope: '',
  token_type: 'bearer',
};
const BAD_CODE = {
  error: 'bad_verification_code',
  error_description: 'The code passed is incorrect or expired.',
  error_uri:
    'https://docs.github.com/apps/managing-oauth-apps/' +
    'troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
};
const USER = { login: 'octocat', id: 1, node_id: 'MDQ6VXNlcjE=', email: 'octocat@github.com' };
const EMAILS = [
  { email: 'octocat@github.com', verified: true, primary: true, visibility: 'public' },
];

const CREDENTIALS = { clientId: 'Iv1.8a61f9b3a7aba766', clientSecret: 'gh-secret' };
const REDIRECT = 'https://app.example.com/auth/github/callback';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function github(routes: FakeRoutes) {
  fake = await startFakeProvider(routes);
  return { client: createGitHubClient({ ...CREDENTIALS, fetch: fake.fetch }), fake };
}

describe('GitHub preset (against a local fake serving GitHub documented responses)', () => {
  test('builds the authorize URL with scopes user and user:email and PKCE', async () => {
    const { client } = await github({});
    const url = new URL(
      await client.authorizationUrl({ redirectUri: REDIRECT, state: 'st', codeChallenge: 'ch' }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://github.com/login/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CREDENTIALS.clientId,
      redirect_uri: REDIRECT,
      state: 'st',
      scope: 'user user:email',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
    expect(client.name).toBe('github');
  });

  test('exchanges the code with client_secret_post and the PKCE verifier', async () => {
    const { client, fake } = await github({
      'POST github.com/login/oauth/access_token': () => ({ json: TOKEN }),
    });
    const tokens = await client.exchangeCode({
      code: 'the-code',
      redirectUri: REDIRECT,
      codeVerifier: 'the-verifier',
    });
    expect(tokens).toEqual({
      accessToken: TOKEN.access_token,
      expiresAt: null,
      refreshToken: null,
    });
    const request = fake.last('POST github.com/login/oauth/access_token');
    expect(Object.fromEntries(request.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: REDIRECT,
      code_verifier: 'the-verifier',
      client_id: CREDENTIALS.clientId,
      client_secret: CREDENTIALS.clientSecret,
    });
    expect(request.headers.accept).toContain('application/json');
  });

  test('turns expires_in into expires_at and keeps the refresh token', async () => {
    const { client } = await github({
      'POST github.com/login/oauth/access_token': () => ({ json: EXPIRING_TOKEN }),
    });
    const tokens = await client.exchangeCode({
      code: 'c',
      redirectUri: REDIRECT,
      codeVerifier: 'v',
    });
    expect(tokens.refreshToken).toBe(EXPIRING_TOKEN.refresh_token);
    const expected = Math.floor(Date.now() / 1000) + 28800;
    expect(Math.abs((tokens.expiresAt ?? 0) - expected)).toBeLessThanOrEqual(5);
  });

  test("reports GitHub's HTTP 200 error body as OAUTH_TOKEN_REQUEST_FAILED", async () => {
    const { client } = await github({
      'POST github.com/login/oauth/access_token': () => ({ json: BAD_CODE }),
    });
    const error = await failure(
      client.exchangeCode({ code: 'stale', redirectUri: REDIRECT, codeVerifier: 'v' }),
    );
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(error.providerError).toBe('bad_verification_code');
    expect(error.message).not.toContain('stale');
  });

  test('reads the id and the public email, verified per /user/emails', async () => {
    const { client, fake } = await github({
      'GET api.github.com/user': () => ({ json: USER }),
      'GET api.github.com/user/emails': () => ({ json: EMAILS }),
    });
    expect(await client.getIdEmail(TOKEN.access_token)).toEqual({
      id: '1',
      email: 'octocat@github.com',
      emailVerified: true,
    });
    const request = fake.last('GET api.github.com/user');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN.access_token}`);
    expect(request.headers['user-agent']).toBe('portcullis');
  });

  test('falls back to the primary email from /user/emails when the profile has none', async () => {
    const { client } = await github({
      'GET api.github.com/user': () => ({ json: { ...USER, email: null } }),
      'GET api.github.com/user/emails': () => ({
        json: [
          { email: 'old@example.com', verified: true, primary: false, visibility: null },
          { email: 'main@example.com', verified: false, primary: true, visibility: 'private' },
        ],
      }),
    });
    expect(await client.getIdEmail('t')).toEqual({
      id: '1',
      email: 'main@example.com',
      emailVerified: false,
    });
  });

  test('without the user:email scope (403), keeps the public email unverified', async () => {
    const { client } = await github({
      'GET api.github.com/user': () => ({ json: USER }),
      'GET api.github.com/user/emails': () => ({
        status: 403,
        json: { message: 'Resource not accessible by integration' },
      }),
    });
    expect(await client.getIdEmail('t')).toEqual({
      id: '1',
      email: 'octocat@github.com',
      emailVerified: false,
    });
  });

  test('a refused profile call is OAUTH_PROFILE_REQUEST_FAILED with the status', async () => {
    const { client } = await github({
      'GET api.github.com/user': () => ({ status: 401, json: { message: 'Bad credentials' } }),
    });
    const error = await failure(client.getIdEmail('expired'));
    expect(error.code).toBe('OAUTH_PROFILE_REQUEST_FAILED');
    expect(error.status).toBe(401);
  });

  test('refreshes with grant_type=refresh_token', async () => {
    const { client, fake } = await github({
      'POST github.com/login/oauth/access_token': () => ({ json: EXPIRING_TOKEN }),
    });
    const tokens = await client.refresh('ghr_old');
    expect(tokens.accessToken).toBe(EXPIRING_TOKEN.access_token);
    const form = fake.last('POST github.com/login/oauth/access_token').form;
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe('ghr_old');
  });

  test('revokes through DELETE /applications/{client_id}/token with Basic auth', async () => {
    const { client, fake } = await github({
      [`DELETE api.github.com/applications/${CREDENTIALS.clientId}/token`]: () => ({
        status: 204,
      }),
    });
    await client.revoke(TOKEN.access_token);
    const request = fake.last(`DELETE api.github.com/applications/${CREDENTIALS.clientId}/token`);
    expect(basicCredentials(request)).toEqual([CREDENTIALS.clientId, CREDENTIALS.clientSecret]);
    expect(JSON.parse(request.body)).toEqual({ access_token: TOKEN.access_token });
  });

  test('a failed revocation is OAUTH_REVOCATION_FAILED', async () => {
    const { client } = await github({
      [`DELETE api.github.com/applications/${CREDENTIALS.clientId}/token`]: () => ({
        status: 422,
        json: { message: 'Validation Failed' },
      }),
    });
    const error = await failure(client.revoke('t'));
    expect(error.code).toBe('OAUTH_REVOCATION_FAILED');
    expect(error.status).toBe(422);
  });
});
