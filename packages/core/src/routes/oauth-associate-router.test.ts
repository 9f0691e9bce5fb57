import { describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app';
import { createFakeOAuthClient, type FakeOAuthClient } from '../../test/oauth-fake-client';
import { ErrorCode } from '../errors';
import type { PortcullisHandler } from '../http/handler';
import { createJwtCodec } from '../jwt';
import { buildOpenApi } from '../openapi';

const STATE_SECRET = 'oauth-state-secret-oauth-state-secret';
const PASSWORD = 'guinevere';

interface Harness {
  app: TestApp;
  client: FakeOAuthClient;
  handler: PortcullisHandler;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Registers a user and returns its id and an Authorization header. */
  user(email: string): Promise<{ id: string; auth: Record<string, string> }>;
  start(auth: Record<string, string>): Promise<{ state: string; cookie: string }>;
}

function harness(requiresVerification = false): Harness {
  const app = createTestApp();
  const client = createFakeOAuthClient();
  const handler = app.portcullis.handler([
    ...app.mounts,
    ['/auth/fake', app.portcullis.oauthRouter(client, 'jwt', { stateSecret: STATE_SECRET })],
    [
      '/auth/associate/fake',
      app.portcullis.oauthAssociateRouter(client, {
        stateSecret: STATE_SECRET,
        requiresVerification,
      }),
    ],
  ]);
  const get = (path: string, headers?: Record<string, string>): Promise<Response> =>
    handler.fetch(new Request(`http://app.test${path}`, { headers }));
  return {
    app,
    client,
    handler,
    get,
    async user(email) {
      const created = await app.request('POST', '/auth/register', {
        json: { email, password: PASSWORD },
      });
      const { id } = (await created.json()) as { id: string };
      const login = await app.request('POST', '/auth/jwt/login', {
        form: { username: email, password: PASSWORD },
      });
      const { access_token } = (await login.json()) as { access_token: string };
      return { id, auth: { authorization: `Bearer ${access_token}` } };
    },
    async start(auth) {
      const response = await get('/auth/associate/fake/authorize', auth);
      expect(response.status).toBe(200);
      const { authorization_url } = (await response.json()) as { authorization_url: string };
      return {
        state: new URL(authorization_url).searchParams.get('state') ?? '',
        cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      };
    },
  };
}

async function detail(response: Response): Promise<unknown> {
  return ((await response.json()) as { detail: unknown }).detail;
}

const callbackPath = (params: Record<string, string>): string =>
  `/auth/associate/fake/callback?${new URLSearchParams(params)}`;

describe('OAuth associate router', () => {
  test('authorize needs an active user (401) and binds the state to its id', async () => {
    const h = harness();
    expect((await h.get('/auth/associate/fake/authorize')).status).toBe(401);
    const { id, auth } = await h.user('bors@camelot.bt');
    const { state } = await h.start(auth);
    const claims = await createJwtCodec({ secret: STATE_SECRET }).verify(
      state,
      'portcullis:oauth-state',
    );
    expect(claims.sub).toBe(id);
  });

  test('callback resolves the current user before anything else (401)', async () => {
    const h = harness();
    const response = await h.get(callbackPath({ error: 'access_denied' }));
    expect(response.status).toBe(401);
  });

  test('links the account and answers the user with oauth_accounts, no tokens', async () => {
    const h = harness();
    const { id, auth } = await h.user('bors@camelot.bt');
    const { state, cookie } = await h.start(auth);
    const response = await h.get(callbackPath({ code: 'c', state }), { ...auth, cookie });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id, email: 'bors@camelot.bt' });
    expect(body.oauth_accounts).toEqual([
      {
        id: expect.any(String),
        oauth_name: 'fake',
        account_id: 'acct-1',
        account_email: 'lancelot@camelot.bt',
        expires_at: 1_900_000_000,
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/access-1|refresh-1|hashed_password/);
  });

  test('answers 400 Bad Request for a state of another user or of the login flow', async () => {
    const h = harness();
    const bors = await h.user('bors@camelot.bt');
    const kay = await h.user('kay@camelot.bt');
    const { state, cookie } = await h.start(bors.auth);
    const stolen = await h.get(callbackPath({ code: 'c', state }), { ...kay.auth, cookie });
    expect(stolen.status).toBe(400);
    expect(await detail(stolen)).toBe('Bad Request');
    const login = await h.get('/auth/fake/authorize');
    const loginState = new URL(
      ((await login.json()) as { authorization_url: string }).authorization_url,
    ).searchParams.get('state') as string;
    const loginCookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const noSub = await h.get(callbackPath({ code: 'c', state: loginState }), {
      ...kay.auth,
      cookie: loginCookie,
    });
    expect(noSub.status).toBe(400);
    expect(await detail(noSub)).toBe('Bad Request');
    expect(h.client.calls.exchange).toHaveLength(0);
  });

  test('answers the state and CSRF codes before the code exchange', async () => {
    const h = harness();
    const { auth } = await h.user('bors@camelot.bt');
    const { state } = await h.start(auth);
    const noCookie = await h.get(callbackPath({ code: 'c', state }), auth);
    expect(await detail(noCookie)).toBe(ErrorCode.OAUTH_INVALID_STATE);
    const badState = await h.get(callbackPath({ code: 'c', state: 'x.y.z' }), auth);
    expect(await detail(badState)).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
    const denied = await h.get(callbackPath({ error: 'access_denied' }), auth);
    expect(await detail(denied)).toBe('access_denied');
    expect(h.client.calls.exchange).toHaveLength(0);
  });

  test('refuses an account linked to another user (OAUTH_ACCOUNT_ALREADY_LINKED)', async () => {
    const h = harness();
    const owner = await h.user('bors@camelot.bt');
    const first = await h.start(owner.auth);
    await h.get(callbackPath({ code: 'c', state: first.state }), {
      ...owner.auth,
      cookie: first.cookie,
    });
    const thief = await h.user('mordred@camelot.bt');
    const second = await h.start(thief.auth);
    const response = await h.get(callbackPath({ code: 'c', state: second.state }), {
      ...thief.auth,
      cookie: second.cookie,
    });
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe(ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED);
  });

  test('answers OAUTH_NOT_AVAILABLE_EMAIL and OAUTH_PROVIDER_ERROR', async () => {
    const h = harness();
    const { auth } = await h.user('bors@camelot.bt');
    h.client.identity = { id: 'acct-9', email: null, emailVerified: false };
    const a = await h.start(auth);
    const noEmail = await h.get(callbackPath({ code: 'c', state: a.state }), {
      ...auth,
      cookie: a.cookie,
    });
    expect(await detail(noEmail)).toBe(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL);
    h.client.fail.exchange = true;
    const b = await h.start(auth);
    const failed = await h.get(callbackPath({ code: 'c', state: b.state }), {
      ...auth,
      cookie: b.cookie,
    });
    expect(failed.status).toBe(400);
    expect(await detail(failed)).toBe(ErrorCode.OAUTH_PROVIDER_ERROR);
  });

  test('requiresVerification answers 403 to an unverified user on both routes', async () => {
    const h = harness(true);
    const { auth } = await h.user('bors@camelot.bt');
    expect((await h.get('/auth/associate/fake/authorize', auth)).status).toBe(403);
    expect((await h.get(callbackPath({ code: 'c' }), auth)).status).toBe(403);
  });

  test('is documented with the user-and-accounts schema and every backend scheme', () => {
    const h = harness();
    const doc = buildOpenApi(h.handler.routes, h.app.portcullis.backends);
    const callback = doc.paths['/auth/associate/fake/callback']?.get;
    expect(callback?.summary).toBe('Oauth-Associate:Fake.Callback');
    expect(callback?.security).toEqual([{ OAuth2PasswordBearer: [] }, { APIKeyCookie: [] }]);
    const schema = doc.components.schemas.UserReadWithOAuthAccounts as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(schema.properties)).toContain('oauth_accounts');
    const account = doc.components.schemas.OAuthAccountRead as { properties: object };
    expect(Object.keys(account.properties)).not.toContain('access_token');
  });
});
