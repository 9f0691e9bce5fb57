import { createServer } from 'node:net';
import { readSettings } from 'portcullis-example-shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBrowser, type TestBrowser } from '../../../packages/oauth/test/support/browser';
import {
  startOidcProvider,
  type TestOidcProvider,
} from '../../../packages/oauth/test/support/oidc';
import { type RunningDemo, startDemo } from '../../shared/src/testing/demo-process';

const APP_DIR = new URL('..', import.meta.url).pathname;
const RP = { clientId: 'portcullis-demo', clientSecret: 'demo-oidc-secret-demo-oidc-secret' };

/** A port nobody listens on right now: PUBLIC_URL (the redirect URIs) needs it up front. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The Fastify demo with OIDC_* pointing at a local oidc-provider (see docs/demo.md). */
async function startOidcDemo(
  provider: TestOidcProvider,
  extra: NodeJS.ProcessEnv = {},
): Promise<{ demo: RunningDemo; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const demo = await startDemo(APP_DIR, {
    PORT: String(port),
    PUBLIC_URL: base,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: RP.clientId,
    OIDC_CLIENT_SECRET: RP.clientSecret,
    ...extra,
  });
  return { demo, base };
}

async function detail(response: Response): Promise<unknown> {
  return ((await response.json()) as { detail: unknown }).detail;
}

let counter = 0;
const unique = (tag: string): string => `${tag}${Date.now().toString(36)}${++counter}`;

describe('the Fastify demo with OIDC_ISSUER set', () => {
  let provider: TestOidcProvider;
  let plain: { demo: RunningDemo; base: string };
  let byEmail: { demo: RunningDemo; base: string };

  beforeAll(async () => {
    provider = await startOidcProvider();
    plain = await startOidcDemo(provider);
    byEmail = await startOidcDemo(provider, { OIDC_ASSOCIATE_BY_EMAIL: '1' });
    provider.configure([
      {
        ...RP,
        redirectUris: [plain.base, byEmail.base].flatMap((base) => [
          `${base}/auth/oidc/callback`,
          `${base}/auth/associate/oidc/callback`,
        ]),
      },
    ]);
  });
  afterAll(async () => {
    await plain?.demo.stop();
    await byEmail?.demo.stop();
    await provider?.close();
  });

  const account = (): { login: string; email: string } => {
    const login = unique('galahad');
    const email = `${login}@camelot.bt`;
    provider.accounts.set(login, { email, email_verified: true });
    return { login, email };
  };

  /** /authorize on the demo, login and consent at the provider, then the callback. */
  const signIn = async (
    base: string,
    prefix: string,
    login: string,
    headers?: Record<string, string>,
  ): Promise<{ response: Response; browser: TestBrowser; csrfCookie: string }> => {
    const browser = createBrowser();
    const start = await browser.get(`${base}${prefix}/authorize`, headers);
    expect(start.status).toBe(200);
    const csrfCookie = start.headers.get('set-cookie') ?? '';
    const { authorization_url } = (await start.json()) as { authorization_url: string };
    const callback = await browser.authorize(authorization_url, { login, stopAt: base });
    return { response: await browser.get(callback, headers), browser, csrfCookie };
  };

  const register = async (base: string, email: string): Promise<string> => {
    await fetch(`${base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'holy-grail-quest' }),
    });
    const login = await fetch(`${base}/auth/jwt/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: email, password: 'holy-grail-quest' }),
    });
    expect(login.status).toBe(200);
    return ((await login.json()) as { access_token: string }).access_token;
  };

  test('warns on stderr about the http:// loopback issuer and lists the OAuth routes', async () => {
    expect(plain.demo.stderr()).toMatch(/OIDC_ISSUER is plain http/);
    const doc = (await (await fetch(`${plain.base}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/auth/oidc/authorize',
        '/auth/oidc/callback',
        '/auth/associate/oidc/authorize',
        '/auth/associate/oidc/callback',
      ]),
    );
  });

  test('signs a new user up: JWT login, verified user, CSRF cookie not Secure', async () => {
    const { login, email } = account();
    const { response, csrfCookie } = await signIn(plain.base, '/auth/oidc', login);
    expect(csrfCookie).toMatch(/^fastapiusersoauthcsrf=[\w-]{43}; HttpOnly; Max-Age=3600; Path=\//);
    expect(csrfCookie).not.toMatch(/Secure/);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('bearer');
    const me = await fetch(`${plain.base}/users/me`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(await me.json()).toMatchObject({ email, is_verified: true, is_active: true });
  });

  test('does not associate by email unless OIDC_ASSOCIATE_BY_EMAIL=1', async () => {
    const { login, email } = account();
    await register(plain.base, email);
    const refused = await signIn(plain.base, '/auth/oidc', login);
    expect(refused.response.status).toBe(400);
    expect(await detail(refused.response)).toBe('OAUTH_USER_ALREADY_EXISTS');

    const other = account();
    await register(byEmail.base, other.email);
    const linked = await signIn(byEmail.base, '/auth/oidc', other.login);
    expect(linked.response.status).toBe(200);
  });

  test('associates a provider account with the signed-in user, tokens never shown', async () => {
    const { login } = account();
    const email = `${unique('tristan')}@camelot.bt`;
    const bearer = { authorization: `Bearer ${await register(plain.base, email)}` };
    const { response } = await signIn(plain.base, '/auth/associate/oidc', login, bearer);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ email });
    expect(body.oauth_accounts).toEqual([
      expect.objectContaining({ oauth_name: 'oidc', account_id: login }),
    ]);
    expect(JSON.stringify(body)).not.toMatch(/access_token|refresh_token/);
  });

  test('a callback without the CSRF cookie is refused with 400 OAUTH_INVALID_STATE', async () => {
    const browser = createBrowser();
    const start = await browser.get(`${plain.base}/auth/oidc/authorize`);
    const { authorization_url } = (await start.json()) as { authorization_url: string };
    const callback = await browser.authorize(authorization_url, {
      login: account().login,
      stopAt: plain.base,
    });
    const response = await fetch(callback);
    expect(response.status).toBe(400);
    expect(await detail(response)).toBe('OAUTH_INVALID_STATE');
  });
});

describe('the demo settings refuse a bad OIDC configuration', () => {
  // readSettings is what the server runs first; a SettingsError stops it with one stderr line.
  const read = (env: NodeJS.ProcessEnv) => () => readSettings(env, () => undefined);

  test('an http:// issuer that is not on a loopback host', () => {
    const env = {
      OIDC_ISSUER: 'http://id.example.com',
      OIDC_CLIENT_ID: 'x',
      OIDC_CLIENT_SECRET: 'y',
    };
    expect(read(env)).toThrow(/OIDC_ISSUER must be https/);
  });

  test('OIDC_ISSUER without the client credentials', () => {
    expect(read({ OIDC_ISSUER: 'https://id.example.com' })).toThrow(
      /missing: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET/,
    );
  });

  test('no OIDC_* at all: no oidc provider; OIDC_ASSOCIATE_BY_EMAIL=1 turns linking on', () => {
    expect(readSettings({}, () => undefined).oidc).toBeNull();
    const env = {
      OIDC_ISSUER: 'https://id.example.com',
      OIDC_CLIENT_ID: 'x',
      OIDC_CLIENT_SECRET: 'y',
    };
    expect(readSettings(env, () => undefined).oidc).toMatchObject({
      associateByEmail: false,
      allowInsecureHttp: false,
    });
    const linking = readSettings({ ...env, OIDC_ASSOCIATE_BY_EMAIL: '1' }, () => undefined);
    expect(linking.oidc?.associateByEmail).toBe(true);
  });
});
