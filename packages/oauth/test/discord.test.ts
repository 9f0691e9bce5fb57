import { createDiscordClient } from '@portcullis/oauth';
import { afterEach, describe, expect, test } from 'vitest';
import {
  basicCredentials,
  type FakeProvider,
  type FakeRoutes,
  startFakeProvider,
} from './support/fake-provider';

// Responses as Discord documents them ("OAuth2", "Get Current User").
const TOKEN = {
  access_token: '6qrZcUqja7812RVdnEKjpzOL4CvHBFG',
  token_type: 'Bearer',
  expires_in: 604800,
  refresh_token: 'D43f5y0ahjqew82jZ4NViEr2YafMKhue',
  scope: 'identify email',
};
const ME = {
  id: '80351110224678912',
  username: 'Nelly',
  discriminator: '1337',
  avatar: '8342729096ea3675442027381ff50dfe',
  verified: true,
  email: 'nelly@discord.com',
  flags: 64,
};

const CREDENTIALS = { clientId: '157730590492196864', clientSecret: 'discord-secret' };
const REDIRECT = 'https://app.example.com/auth/discord/callback';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function discord(routes: FakeRoutes) {
  fake = await startFakeProvider(routes);
  return { client: createDiscordClient({ ...CREDENTIALS, fetch: fake.fetch }), fake };
}

describe('Discord preset (against a local fake serving Discord documented responses)', () => {
  test('builds the authorize URL with scopes identify and email', async () => {
    const { client } = await discord({});
    const url = new URL(
      await client.authorizationUrl({ redirectUri: REDIRECT, state: 'st', codeChallenge: 'ch' }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('scope')).toBe('identify email');
    expect(client.name).toBe('discord');
  });

  test('exchanges the code with client_secret_basic (no secret in the body)', async () => {
    const { client, fake } = await discord({
      'POST discord.com/api/oauth2/token': () => ({ json: TOKEN }),
    });
    const tokens = await client.exchangeCode({
      code: 'c',
      redirectUri: REDIRECT,
      codeVerifier: 'v',
    });
    expect(tokens.accessToken).toBe(TOKEN.access_token);
    const request = fake.last('POST discord.com/api/oauth2/token');
    expect(basicCredentials(request)).toEqual([CREDENTIALS.clientId, CREDENTIALS.clientSecret]);
    expect(request.form.has('client_secret')).toBe(false);
  });

  test('gives the email only when Discord verified it', async () => {
    const verified = await discord({ 'GET discord.com/api/users/@me': () => ({ json: ME }) });
    expect(await verified.client.getIdEmail(TOKEN.access_token)).toEqual({
      id: ME.id,
      email: ME.email,
      emailVerified: true,
    });
    await verified.fake.close();
    const unverified = await discord({
      'GET discord.com/api/users/@me': () => ({ json: { ...ME, verified: false } }),
    });
    expect(await unverified.client.getIdEmail(TOKEN.access_token)).toEqual({
      id: ME.id,
      email: null,
      emailVerified: false,
    });
  });

  test('revokes with Basic auth at the RFC 7009 endpoint', async () => {
    const { client, fake } = await discord({
      'POST discord.com/api/oauth2/token/revoke': () => ({ json: {} }),
    });
    await client.revoke(TOKEN.access_token, 'access_token');
    const request = fake.last('POST discord.com/api/oauth2/token/revoke');
    expect(basicCredentials(request)).toEqual([CREDENTIALS.clientId, CREDENTIALS.clientSecret]);
    expect(request.form.get('token')).toBe(TOKEN.access_token);
  });
});
