import type {
  AuthorizationUrlParams,
  ExchangeCodeParams,
  OAuthClient,
  OAuthIdentity,
  OAuthTokens,
} from '../src/oauth/client';

/** A scripted provider for core's OAuth route tests; the real ones live in @portcullis/oauth. */
export interface FakeOAuthClient extends OAuthClient {
  identity: OAuthIdentity;
  tokens: OAuthTokens;
  fail: { authorize?: boolean; exchange?: boolean; profile?: boolean };
  calls: { authorize: AuthorizationUrlParams[]; exchange: ExchangeCodeParams[] };
}

export function createFakeOAuthClient(name = 'fake'): FakeOAuthClient {
  const client: FakeOAuthClient = {
    name,
    identity: { id: 'acct-1', email: 'lancelot@camelot.bt', emailVerified: true },
    tokens: { accessToken: 'access-1', expiresAt: 1_900_000_000, refreshToken: 'refresh-1' },
    fail: {},
    calls: { authorize: [], exchange: [] },
    async authorizationUrl(params) {
      client.calls.authorize.push(params);
      if (client.fail.authorize) throw new Error('discovery failed');
      const query = new URLSearchParams({
        response_type: 'code',
        redirect_uri: params.redirectUri,
        state: params.state,
        scope: (params.scopes ?? ['openid', 'email']).join(' '),
        code_challenge: params.codeChallenge,
        code_challenge_method: 'S256',
      });
      return `https://provider.test/authorize?${query}`;
    },
    async exchangeCode(params) {
      client.calls.exchange.push(params);
      if (client.fail.exchange) throw new Error('invalid_grant');
      return { ...client.tokens };
    },
    async getIdEmail() {
      if (client.fail.profile) throw new Error('profile failed');
      return { ...client.identity };
    },
    async refresh() {
      return { ...client.tokens };
    },
    async revoke() {},
  };
  return client;
}
