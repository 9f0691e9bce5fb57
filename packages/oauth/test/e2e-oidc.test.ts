import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  type Mounts,
  type OAuthAccount,
  type UserStore,
} from '@portcullis/core';
import { createJwtCodec } from '@portcullis/core/adapter';
import { createOpenIdClient } from '@portcullis/oauth';
import { createSqlUserStore, migrateToLatest, openSqlite } from '@portcullis/sql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBrowser, type TestBrowser } from './support/browser';
import { type Framework, type RunningApp, serve } from './support/frameworks';
import { startOidcProvider, type TestOidcProvider } from './support/oidc';

const SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e!';
const STATE_SECRET = 'e2e-state-secret-e2e-state-secret-e2e';
const RP = { clientId: 'portcullis-e2e', clientSecret: 'e2e-client-secret-e2e-client-secret' };
const PASSWORD = 'excalibur';

interface Stack {
  provider: TestOidcProvider;
  app: RunningApp;
  users: UserStore;
  close(): Promise<void>;
}

/** oidc-provider on 127.0.0.1, and the app on one framework with a real SQLite store. */
async function startStack(framework: Framework): Promise<Stack> {
  const provider = await startOidcProvider();
  const db = openSqlite(':memory:');
  await migrateToLatest(db);
  const users = createSqlUserStore(db, { withOAuthAccounts: true });
  const portcullis = createPortcullis({
    userManager: {
      users,
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
      }),
    ],
  });
  const oidc = createOpenIdClient({
    name: 'oidc',
    issuer: provider.issuer,
    ...RP,
    dangerouslyAllowInsecureHttp: true,
  });
  // Plain http on loopback: the CSRF cookie cannot be Secure or the browser would drop it.
  const common = { stateSecret: STATE_SECRET, csrfTokenCookieSecure: false };
  const routes: Mounts = [
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth', portcullis.registerRouter()],
    ['/users', portcullis.usersRouter()],
    ['/auth/oidc', portcullis.oauthRouter(oidc, 'jwt', { ...common, isVerifiedByDefault: true })],
    [
      '/auth/oidc-by-email',
      portcullis.oauthRouter(oidc, 'jwt', { ...common, associateByEmail: true }),
    ],
    ['/auth/associate/oidc', portcullis.oauthAssociateRouter(oidc, common)],
  ];
  const app = await serve(framework, portcullis, routes);
  provider.configure([
    {
      ...RP,
      redirectUris: ['/auth/oidc', '/auth/oidc-by-email', '/auth/associate/oidc'].map(
        (prefix) => `${app.base}${prefix}/callback`,
      ),
    },
  ]);
  return {
    provider,
    app,
    users,
    async close() {
      await app.close();
      await provider.close();
      await db.destroy();
    },
  };
}

let counter = 0;
const unique = (tag: string): string => `${tag}${Date.now().toString(36)}${++counter}`;

async function detail(response: Response): Promise<unknown> {
  return ((await response.json()) as { detail: unknown }).detail;
}

const FRAMEWORKS: Framework[] = ['fastify', 'express', 'koa'];

describe.each(FRAMEWORKS)('OAuth with a real OpenID provider, end to end on %s', (framework) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(framework);
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** A provider account with an email, verified unless told otherwise. */
  const account = (verified = true): { login: string; email: string } => {
    const login = unique('knight');
    const email = `${login}@camelot.bt`;
    stack.provider.accounts.set(login, { email, email_verified: verified });
    return { login, email };
  };

  /** The browser part: /authorize on the app, then login and consent at the provider. */
  const throughProvider = async (
    prefix: string,
    login: string,
    options: { headers?: Record<string, string>; abort?: boolean; query?: string } = {},
  ): Promise<{ browser: TestBrowser; callback: URL }> => {
    const browser = createBrowser();
    const start = await browser.get(
      `${stack.app.base}${prefix}/authorize${options.query ?? ''}`,
      options.headers,
    );
    expect(start.status).toBe(200);
    const { authorization_url } = (await start.json()) as { authorization_url: string };
    const callback = await browser.authorize(authorization_url, {
      login,
      stopAt: stack.app.base,
      ...(options.abort ? { abort: true } : {}),
    });
    expect(callback.pathname).toBe(`${prefix}/callback`);
    return { browser, callback };
  };

  const signIn = async (
    prefix: string,
    login: string,
    query?: string,
  ): Promise<{ response: Response; callback: URL; browser: TestBrowser }> => {
    const { browser, callback } = await throughProvider(prefix, login, query ? { query } : {});
    return { response: await browser.get(callback), callback, browser };
  };

  const me = async (accessToken: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${stack.app.base}/users/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  const register = async (email: string): Promise<string> => {
    const created = await fetch(`${stack.app.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(created.status).toBe(201);
    const login = await fetch(`${stack.app.base}/auth/jwt/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: email, password: PASSWORD }),
    });
    return ((await login.json()) as { access_token: string }).access_token;
  };

  const accountsOf = async (email: string): Promise<OAuthAccount[]> =>
    ((await stack.users.getByEmail(email))?.oauth_accounts as OAuthAccount[]) ?? [];

  test('a new user signs up through the provider and gets a bearer token', async () => {
    const { login, email } = account();
    const { response } = await signIn('/auth/oidc', login);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('bearer');
    const user = await me(body.access_token);
    expect(user).toMatchObject({ email, is_active: true, is_verified: true });
    expect(await accountsOf(email)).toEqual([
      expect.objectContaining({ oauth_name: 'oidc', account_id: login, account_email: email }),
    ]);
  });

  test('a returning user is the same user; tokens refreshed, refresh token kept', async () => {
    const { login, email } = account();
    const first = await signIn('/auth/oidc', login);
    const firstId = (
      await me(((await first.response.json()) as { access_token: string }).access_token)
    ).id;
    const [before] = await accountsOf(email);
    expect(before?.refresh_token).toEqual(expect.any(String));
    stack.provider.settings.issueRefreshTokens = false;
    try {
      const second = await signIn('/auth/oidc', login);
      expect(second.response.status).toBe(200);
      const token = ((await second.response.json()) as { access_token: string }).access_token;
      expect((await me(token)).id).toBe(firstId);
    } finally {
      stack.provider.settings.issueRefreshTokens = true;
    }
    const after = await accountsOf(email);
    expect(after).toHaveLength(1);
    expect(after[0]?.access_token).not.toBe(before?.access_token);
    expect(after[0]?.refresh_token).toBe(before?.refresh_token);
  });

  test('associate links the account to the signed-in user; no tokens in the answer', async () => {
    const { login } = account();
    const email = `${unique('percival')}@camelot.bt`;
    const bearer = { authorization: `Bearer ${await register(email)}` };
    const { browser, callback } = await throughProvider('/auth/associate/oidc', login, {
      headers: bearer,
    });
    const response = await browser.get(callback, bearer);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.email).toBe(email);
    expect(body.oauth_accounts).toEqual([
      {
        id: expect.anything(),
        oauth_name: 'oidc',
        account_id: login,
        account_email: `${login}@camelot.bt`,
        expires_at: expect.any(Number),
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/access_token|refresh_token|hashed_password/);
  });

  test('associate-by-email off: an existing email answers OAUTH_USER_ALREADY_EXISTS', async () => {
    const { login, email } = account();
    await register(email);
    const { response } = await signIn('/auth/oidc', login);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('OAUTH_USER_ALREADY_EXISTS');
  });

  test('associate-by-email on: a verified email logs in as the existing user', async () => {
    const { login, email } = account();
    const existing = await me(await register(email));
    const { response } = await signIn('/auth/oidc-by-email', login);
    expect(response.status).toBe(200);
    const token = ((await response.json()) as { access_token: string }).access_token;
    expect((await me(token)).id).toBe(existing.id);
  });

  test('associate-by-email on: an email the provider did not verify is refused', async () => {
    const { login, email } = account(false);
    await register(email);
    const { response } = await signIn('/auth/oidc-by-email', login);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('OAUTH_USER_ALREADY_EXISTS');
    expect(await accountsOf(email)).toEqual([]);
  });

  test('a tampered state answers 400 ACCESS_TOKEN_DECODE_ERROR', async () => {
    const { login } = account();
    const { browser, callback } = await throughProvider('/auth/oidc', login);
    const state = callback.searchParams.get('state') ?? '';
    callback.searchParams.set('state', `${state.slice(0, -4)}AAAA`);
    const response = await browser.get(callback);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('ACCESS_TOKEN_DECODE_ERROR');
  });

  test('a callback without the CSRF cookie answers 400 OAUTH_INVALID_STATE', async () => {
    const { login } = account();
    const { callback } = await throughProvider('/auth/oidc', login);
    const response = await createBrowser().get(callback);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('OAUTH_INVALID_STATE');
  });

  test('a state for another CSRF cookie answers 400 OAUTH_INVALID_STATE (login CSRF)', async () => {
    const attacker = await throughProvider('/auth/oidc', account().login);
    const victim = createBrowser();
    await victim.get(`${stack.app.base}/auth/oidc/authorize`);
    const response = await victim.get(attacker.callback);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('OAUTH_INVALID_STATE');
  });

  test('the user cancelling at the provider answers 400 with detail "access_denied"', async () => {
    const { browser, callback } = await throughProvider('/auth/oidc', account().login, {
      abort: true,
    });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const response = await browser.get(callback);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('access_denied');
  });

  test('an expired state answers 400 ACCESS_TOKEN_ALREADY_EXPIRED', async () => {
    const { browser, callback } = await throughProvider('/auth/oidc', account().login);
    const jwt = createJwtCodec({ secret: STATE_SECRET });
    const live = await jwt.verify(
      callback.searchParams.get('state') ?? '',
      'portcullis:oauth-state',
    );
    const expired = await jwt.sign(
      { csrftoken: live.csrftoken, aud: 'portcullis:oauth-state' },
      -60,
    );
    callback.searchParams.set('state', expired);
    const response = await browser.get(callback);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('ACCESS_TOKEN_ALREADY_EXPIRED');
  });

  test('a code the provider refuses (replayed) answers 400 OAUTH_PROVIDER_ERROR', async () => {
    const { response, callback, browser } = await signIn('/auth/oidc', account().login);
    expect(response.status).toBe(200);
    const replay = await browser.get(callback);
    expect(replay.status).toBe(400);
    expect(await detail(replay)).toBe('OAUTH_PROVIDER_ERROR');
  });

  test('an inactive user answers 400 LOGIN_BAD_CREDENTIALS', async () => {
    const { login, email } = account();
    expect((await signIn('/auth/oidc', login)).response.status).toBe(200);
    const user = await stack.users.getByEmail(email);
    if (user) await stack.users.update(user, { is_active: false });
    const { response } = await signIn('/auth/oidc', login);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('LOGIN_BAD_CREDENTIALS');
  });

  test('an account linked to another user answers OAUTH_ACCOUNT_ALREADY_LINKED', async () => {
    const { login } = account();
    expect((await signIn('/auth/oidc', login)).response.status).toBe(200);
    const bearer = { authorization: `Bearer ${await register(`${unique('mordred')}@camelot.bt`)}` };
    const { browser, callback } = await throughProvider('/auth/associate/oidc', login, {
      headers: bearer,
    });
    const response = await browser.get(callback, bearer);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('OAUTH_ACCOUNT_ALREADY_LINKED');
  });

  test('a provider account without an email answers 400 OAUTH_NOT_AVAILABLE_EMAIL', async () => {
    const login = unique('anonymous');
    stack.provider.accounts.set(login, {});
    const { response } = await signIn('/auth/oidc', login);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('OAUTH_NOT_AVAILABLE_EMAIL');
  });
});
