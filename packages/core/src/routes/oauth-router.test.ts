import { beforeEach, describe, expect, test, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { createFakeOAuthClient, type FakeOAuthClient } from '../../test/oauth-fake-client';
import { ErrorCode } from '../errors';
import type { PortcullisHandler } from '../http/handler';
import { createJwtCodec } from '../jwt';
import { pkceChallenge } from '../oauth/pkce';
import { buildOpenApi } from '../openapi';
import type { OAuthAccount } from '../types';
import type { OAuthRouterOptions } from './oauth-router';

const STATE_SECRET = 'oauth-state-secret-oauth-state-secret';

interface Harness {
  app: TestApp;
  client: FakeOAuthClient;
  handler: PortcullisHandler;
  get(path: string, cookie?: string): Promise<Response>;
  /** Runs /authorize and returns the state and the CSRF cookie pair. */
  start(prefix?: string): Promise<{ state: string; cookie: string; url: URL }>;
}

function harness(options: Partial<OAuthRouterOptions> = {}, backend = 'jwt'): Harness {
  const app = createTestApp();
  const client = createFakeOAuthClient();
  const router = app.portcullis.oauthRouter(client, backend, {
    stateSecret: STATE_SECRET,
    ...options,
  });
  const handler = app.portcullis.handler([...app.mounts, ['/auth/fake', router]]);
  const get = (path: string, cookie?: string): Promise<Response> =>
    handler.fetch(
      new Request(`http://app.test${path}`, { headers: cookie ? { cookie } : undefined }),
    );
  return {
    app,
    client,
    handler,
    get,
    async start(prefix = '/auth/fake') {
      const response = await get(`${prefix}/authorize`);
      expect(response.status).toBe(200);
      const { authorization_url } = (await response.json()) as { authorization_url: string };
      const url = new URL(authorization_url);
      const setCookie = response.headers.get('set-cookie') ?? '';
      return {
        url,
        state: url.searchParams.get('state') ?? '',
        cookie: setCookie.split(';')[0] ?? '',
      };
    },
  };
}

async function detail(response: Response): Promise<unknown> {
  return ((await response.json()) as { detail: unknown }).detail;
}

const query = (params: Record<string, string>): string => new URLSearchParams(params).toString();

describe('OAuth router: GET /authorize', () => {
  test('answers the authorization URL and the CSRF cookie the state carries', async () => {
    const h = harness();
    const response = await h.get('/auth/fake/authorize');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['authorization_url']);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^fastapiusersoauthcsrf=[\w-]{43}; HttpOnly; Max-Age=3600; Path=\/; SameSite=lax; Secure$/,
    );
    const state = new URL(body.authorization_url as string).searchParams.get('state') ?? '';
    const claims = await createJwtCodec({ secret: STATE_SECRET }).verify(
      state,
      'portcullis:oauth-state',
    );
    expect(`fastapiusersoauthcsrf=${claims.csrftoken}`).toBe(cookie.split(';')[0]);
    expect(claims.sub).toBeUndefined();
  });

  test('sends this router callback URL as redirect URI, or redirectUrl when set', async () => {
    const h = harness();
    await h.start();
    expect(h.client.calls.authorize[0]?.redirectUri).toBe('http://app.test/auth/fake/callback');
    const fixed = harness({ redirectUrl: 'https://front.example.com/oauth' });
    await fixed.start();
    expect(fixed.client.calls.authorize[0]?.redirectUri).toBe('https://front.example.com/oauth');
  });

  test('passes repeated scopes, replacing the base ones; none: the default', async () => {
    const h = harness();
    await h.get('/auth/fake/authorize?scopes=openid&scopes=profile');
    await h.get('/auth/fake/authorize');
    expect(h.client.calls.authorize[0]?.scopes).toEqual(['openid', 'profile']);
    expect(h.client.calls.authorize[1]?.scopes).toBeUndefined();
  });

  test('always sends a PKCE challenge that matches the verifier used in the exchange', async () => {
    const h = harness();
    const { state, cookie } = await h.start();
    const response = await h.get(`/auth/fake/callback?${query({ code: 'c', state })}`, cookie);
    expect(response.status).toBe(200);
    const challenge = h.client.calls.authorize[0]?.codeChallenge;
    const verifier = h.client.calls.exchange[0]?.codeVerifier ?? '';
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await pkceChallenge(verifier)).toBe(challenge);
    expect(state).not.toContain(verifier);
  });

  test('answers 400 OAUTH_PROVIDER_ERROR when the client cannot build the URL', async () => {
    const h = harness();
    h.client.fail.authorize = true;
    const response = await h.get('/auth/fake/authorize');
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe(ErrorCode.OAUTH_PROVIDER_ERROR);
  });

  test('drops the Secure flag only when csrfTokenCookieSecure is false', async () => {
    const h = harness({ csrfTokenCookieSecure: false });
    const response = await h.get('/auth/fake/authorize');
    expect(response.headers.get('set-cookie')).not.toMatch(/Secure/);
  });
});

describe('OAuth router: GET /callback, with the deviations', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  const callback = async (
    params: Record<string, string>,
    cookie?: string,
    target: Harness = h,
  ): Promise<Response> => target.get(`/auth/fake/callback?${query(params)}`, cookie);

  test('creates the user, logs in through the backend and runs onAfterLogin', async () => {
    const onAfterLogin = vi.spyOn(h.app.portcullis.userManager, 'onAfterLogin');
    const { state, cookie } = await h.start();
    const response = await callback({ code: 'the-code', state }, cookie);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('bearer');
    expect(h.client.calls.exchange[0]).toMatchObject({
      code: 'the-code',
      redirectUri: 'http://app.test/auth/fake/callback',
    });
    const me = await h.app.request('GET', '/users/me', {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    const user = (await me.json()) as Record<string, unknown>;
    expect(user.email).toBe('lancelot@camelot.bt');
    expect(user.is_verified).toBe(false);
    expect(onAfterLogin).toHaveBeenCalledTimes(1);
    expect(onAfterLogin.mock.calls[0]?.[0].email).toBe('lancelot@camelot.bt');
    expect(onAfterLogin.mock.calls[0]?.[2]?.status).toBe(200);
  });

  test('creates verified users with isVerifiedByDefault', async () => {
    const v = harness({ isVerifiedByDefault: true });
    const { state, cookie } = await v.start();
    expect((await callback({ code: 'c', state }, cookie, v)).status).toBe(200);
    const user = await v.app.users.getByEmail('lancelot@camelot.bt');
    expect(user?.is_verified).toBe(true);
  });

  test('a returning user logs in again and the stored tokens are refreshed', async () => {
    const first = await h.start();
    await callback({ code: 'c', state: first.state }, first.cookie);
    h.client.tokens = { accessToken: 'access-2', expiresAt: null, refreshToken: null };
    const second = await h.start();
    expect((await callback({ code: 'c', state: second.state }, second.cookie)).status).toBe(200);
    const user = await h.app.users.getByEmail('lancelot@camelot.bt');
    const accounts = user?.oauth_accounts as OAuthAccount[];
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ access_token: 'access-2', refresh_token: 'refresh-1' });
  });

  test('answers a provider error verbatim before any other check, as upstream', async () => {
    const response = await callback({ error: 'access_denied' });
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('access_denied');
    expect(h.client.calls.exchange).toHaveLength(0);
  });

  test('answers 400 Bad Request without a code', async () => {
    const { state, cookie } = await h.start();
    const response = await callback({ state }, cookie);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('Bad Request');
  });

  test('checks a missing or tampered state before exchanging the code', async () => {
    const { state, cookie } = await h.start();
    const missing = await callback({ code: 'c' }, cookie);
    expect(missing.status).toBe(400);
    expect(await detail(missing)).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
    const tampered = await callback({ code: 'c', state: `${state.slice(0, -2)}xx` }, cookie);
    expect(tampered.status).toBe(400);
    expect(await detail(tampered)).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
    expect(h.client.calls.exchange).toHaveLength(0);
  });

  test('answers ACCESS_TOKEN_ALREADY_EXPIRED for an expired state', async () => {
    const jwt = createJwtCodec({ secret: STATE_SECRET });
    const state = await jwt.sign({ csrftoken: 'tok', aud: 'portcullis:oauth-state' }, -5);
    const response = await callback({ code: 'c', state }, 'fastapiusersoauthcsrf=tok');
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe(ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED);
  });

  test('answers OAUTH_INVALID_STATE when the CSRF cookie is missing or different', async () => {
    const { state } = await h.start();
    const other = await h.start();
    for (const cookie of [undefined, other.cookie, 'fastapiusersoauthcsrf=forged']) {
      const response = await callback({ code: 'c', state }, cookie);
      expect(response.status).toBe(400);
      expect(await detail(response)).toBe(ErrorCode.OAUTH_INVALID_STATE);
    }
    expect(h.client.calls.exchange).toHaveLength(0);
  });

  test('answers OAUTH_PROVIDER_ERROR, never a 500, when exchange or profile fails', async () => {
    for (const step of ['exchange', 'profile'] as const) {
      const p = harness();
      p.client.fail[step] = true;
      const { state, cookie } = await p.start();
      const response = await callback({ code: 'c', state }, cookie, p);
      expect(response.status).toBe(400);
      expect(await detail(response)).toBe(ErrorCode.OAUTH_PROVIDER_ERROR);
    }
  });

  test('answers OAUTH_NOT_AVAILABLE_EMAIL when the provider gives no email', async () => {
    h.client.identity = { id: 'acct-1', email: null, emailVerified: false };
    const { state, cookie } = await h.start();
    const response = await callback({ code: 'c', state }, cookie);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL);
  });

  test('answers OAUTH_USER_ALREADY_EXISTS for a taken email without associateByEmail', async () => {
    await h.app.users.create({ email: 'lancelot@camelot.bt', hashed_password: 'x' });
    const { state, cookie } = await h.start();
    const response = await callback({ code: 'c', state }, cookie);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe(ErrorCode.OAUTH_USER_ALREADY_EXISTS);
  });

  test('associateByEmail links a verified email and refuses an unverified one', async () => {
    const a = harness({ associateByEmail: true });
    const user = await a.app.users.create({ email: 'lancelot@camelot.bt', hashed_password: 'x' });
    a.client.identity = { ...a.client.identity, emailVerified: false };
    const refused = await a.start();
    const no = await callback({ code: 'c', state: refused.state }, refused.cookie, a);
    expect(await detail(no)).toBe(ErrorCode.OAUTH_USER_ALREADY_EXISTS);
    a.client.identity = { ...a.client.identity, emailVerified: true };
    const linked = await a.start();
    const yes = await callback({ code: 'c', state: linked.state }, linked.cookie, a);
    expect(yes.status).toBe(200);
    const stored = await a.app.users.get(user.id);
    expect(stored?.oauth_accounts).toHaveLength(1);
  });

  test('answers LOGIN_BAD_CREDENTIALS for an inactive user', async () => {
    const first = await h.start();
    await callback({ code: 'c', state: first.state }, first.cookie);
    const user = await h.app.users.getByEmail('lancelot@camelot.bt');
    if (user) await h.app.users.update(user, { is_active: false });
    const second = await h.start();
    const response = await callback({ code: 'c', state: second.state }, second.cookie);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe(ErrorCode.LOGIN_BAD_CREDENTIALS);
  });

  test('logs in through a cookie backend with 204 and the auth cookie', async () => {
    const c = harness({}, 'cookie');
    const { state, cookie } = await c.start();
    const response = await callback({ code: 'c', state }, cookie, c);
    expect(response.status).toBe(204);
    expect(response.headers.get('set-cookie')).toMatch(/^fastapiusersauth=/);
  });

  test('loginRedirectUrl answers 303 to the frontend with the auth cookie', async () => {
    const r = harness({ loginRedirectUrl: 'https://front.example.com/welcome' }, 'cookie');
    const { state, cookie } = await r.start();
    const response = await callback({ code: 'c', state }, cookie, r);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://front.example.com/welcome');
    expect(response.headers.get('set-cookie')).toMatch(/^fastapiusersauth=/);
  });

  test('refuses loginRedirectUrl on a bearer backend, which would drop the token', () => {
    expect(() => harness({ loginRedirectUrl: 'https://front.example.com/' })).toThrow(
      /cookie backend/,
    );
  });

  test('uses redirectUrl in the code exchange too', async () => {
    const f = harness({ redirectUrl: 'https://front.example.com/oauth' });
    const { state, cookie } = await f.start();
    await callback({ code: 'c', state }, cookie, f);
    expect(f.client.calls.exchange[0]?.redirectUri).toBe('https://front.example.com/oauth');
  });
});

describe('OAuth routes in the OpenAPI document', () => {
  test('documents authorize and callback with their query parameters and responses', () => {
    const h = harness();
    const doc = buildOpenApi(h.handler.routes, h.app.portcullis.backends);
    const authorize = doc.paths['/auth/fake/authorize']?.get;
    const callback = doc.paths['/auth/fake/callback']?.get;
    expect(authorize?.summary).toBe('Oauth:Fake.Jwt.Authorize');
    expect(authorize?.operationId).toBe('oauth_fake_jwt_authorize_auth_fake_authorize_get');
    expect(authorize?.parameters?.map((p) => p.name)).toEqual(['scopes']);
    expect(Object.keys(authorize?.responses ?? {})).toEqual(['200', '422']);
    expect(doc.components.schemas.OAuth2AuthorizeResponse).toBeDefined();
    expect(callback?.parameters?.map((p) => p.name)).toEqual(['code', 'state', 'error']);
    expect(Object.keys(callback?.responses ?? {})).toEqual(['200', '400', '422']);
    const examples = callback?.responses['400']?.content?.['application/json']?.examples ?? {};
    expect(Object.keys(examples)).toEqual(
      expect.arrayContaining([
        ErrorCode.OAUTH_INVALID_STATE,
        ErrorCode.ACCESS_TOKEN_DECODE_ERROR,
        ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED,
        ErrorCode.OAUTH_PROVIDER_ERROR,
        ErrorCode.LOGIN_BAD_CREDENTIALS,
      ]),
    );
  });
});
