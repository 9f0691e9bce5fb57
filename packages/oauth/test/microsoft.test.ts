import { createMicrosoftClient } from '@portcullis/oauth';
import { afterEach, describe, expect, test } from 'vitest';
import { failure } from './support/failure';
import { type FakeProvider, type FakeRoutes, startFakeProvider } from './support/fake-provider';

// Responses as Microsoft documents them (identity platform auth code flow, Graph "Get user").
const TOKEN = {
  token_type: 'Bearer',
  scope: 'User.Read',
  expires_in: 3599,
  ext_expires_in: 3599,
  access_token: 'eyJ0eXAiOiJKV1QiLCJub25jZSI6IkFRQUJBQUFBQUFEQ29NcGpKWHJ4VHE5Vkc5dGUtN0ZYIn0',
  refresh_token: 'AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4',
};
const ME = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
  businessPhones: ['+1 412 555 0109'],
  displayName: 'Megan Bowen',
  givenName: 'Megan',
  mail: 'MeganB@M365x214355.onmicrosoft.com',
  surname: 'Bowen',
  userPrincipalName: 'MeganB@M365x214355.onmicrosoft.com',
  id: '48d31887-5fad-4d73-a9f5-3c356e68a038',
};

const CREDENTIALS = { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', clientSecret: 'ms-secret' };
const REDIRECT = 'https://app.example.com/auth/microsoft/callback';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function microsoft(routes: FakeRoutes, tenant?: string) {
  fake = await startFakeProvider(routes);
  const client = createMicrosoftClient({
    ...CREDENTIALS,
    ...(tenant ? { tenant } : {}),
    fetch: fake.fetch,
  });
  return { client, fake };
}

describe('Microsoft preset (against a local fake serving Microsoft documented responses)', () => {
  test('builds the v2 authorize URL of the common tenant with response_mode=query', async () => {
    const { client } = await microsoft({});
    const url = new URL(
      await client.authorizationUrl({ redirectUri: REDIRECT, state: 'st', codeChallenge: 'ch' }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    );
    expect(url.searchParams.get('scope')).toBe('User.Read');
    expect(url.searchParams.get('response_mode')).toBe('query');
    expect(client.name).toBe('microsoft');
  });

  test('uses the configured tenant for the token endpoint', async () => {
    const tenant = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
    const { client, fake } = await microsoft(
      { [`POST login.microsoftonline.com/${tenant}/oauth2/v2.0/token`]: () => ({ json: TOKEN }) },
      tenant,
    );
    const tokens = await client.exchangeCode({
      code: 'c',
      redirectUri: REDIRECT,
      codeVerifier: 'v',
    });
    expect(tokens.accessToken).toBe(TOKEN.access_token);
    expect(tokens.refreshToken).toBe(TOKEN.refresh_token);
    expect(fake.requests).toHaveLength(1);
  });

  test('reports an expired code (AADSTS70008) as invalid_grant', async () => {
    const { client } = await microsoft({
      'POST login.microsoftonline.com/common/oauth2/v2.0/token': () => ({
        status: 400,
        json: {
          error: 'invalid_grant',
          error_description:
            'AADSTS70008: The provided authorization code or refresh token has expired.',
          error_codes: [70008],
        },
      }),
    });
    const error = await failure(
      client.exchangeCode({ code: 'c', redirectUri: REDIRECT, codeVerifier: 'v' }),
    );
    expect(error).toMatchObject({
      code: 'OAUTH_TOKEN_REQUEST_FAILED',
      providerError: 'invalid_grant',
    });
  });

  test('reads the Graph id and the userPrincipalName, never flagged verified', async () => {
    const { client } = await microsoft({
      'GET graph.microsoft.com/v1.0/me': () => ({ json: ME }),
    });
    expect(await client.getIdEmail(TOKEN.access_token)).toEqual({
      id: ME.id,
      email: ME.userPrincipalName,
      emailVerified: false,
    });
  });

  test('has no revocation endpoint: OAUTH_NOT_SUPPORTED', async () => {
    const { client } = await microsoft({});
    const error = await failure(client.revoke('t'));
    expect(error.code).toBe('OAUTH_NOT_SUPPORTED');
  });
});
