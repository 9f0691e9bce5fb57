import { createSoftwareAuthenticator } from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challengeCookie, ORIGIN, type PasskeyTestApp, startPasskeyApp, totpNow } from './app';

let app: PasskeyTestApp;
let n = 0;
const email = (): string => `knight${++n}.${Date.now()}@camelot.bt`;

beforeAll(async () => {
  app = await startPasskeyApp();
});
afterAll(() => app.close());

/** Registers a passkey for the token's user with a fresh software authenticator. */
async function addPasskey(token: string, name?: string) {
  const authenticator = createSoftwareAuthenticator({ origin: ORIGIN });
  const options = await app.post('/auth/passkey/register/options', { token });
  expect(options.status).toBe(200);
  const body = (await options.json()) as { challenge: string; user: { id: string } };
  const response = authenticator.register(body);
  const created = await app.post('/auth/passkey/register', {
    token,
    cookie: challengeCookie(options),
    json: { response, ...(name === undefined ? {} : { name }) },
  });
  return { authenticator, created };
}

async function loginOptions(prefix = '/auth/jwt') {
  const options = await app.post(`${prefix}/passkey/options`);
  expect(options.status).toBe(200);
  return {
    cookie: challengeCookie(options),
    body: (await options.json()) as { challenge: string },
  };
}

describe('passkey registration', () => {
  it('registers a passkey, lists it and logs in with it on the bearer backend', async () => {
    const token = await app.signUp(email());
    const { authenticator, created } = await addPasskey(token, 'YubiKey');
    expect(created.status).toBe(201);
    const passkey = (await created.json()) as Record<string, unknown>;
    expect(Object.keys(passkey).sort()).toEqual(['created_at', 'id', 'name']);
    expect(passkey.name).toBe('YubiKey');

    const { cookie, body } = await loginOptions();
    const login = await app.post('/auth/jwt/passkey/login', {
      cookie,
      json: { response: authenticator.authenticate(body) },
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const me = await app.get('/users/me', access_token);
    expect(me.status).toBe(200);

    const list = (await (await app.get('/users/me/passkeys', token)).json()) as Record<
      string,
      unknown
    >[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: passkey.id, name: 'YubiKey' });
    expect(typeof list[0]?.last_used_at).toBe('string');
  });

  it('sets an HttpOnly, SameSite=Strict challenge cookie that lives five minutes', async () => {
    const options = await app.post('/auth/jwt/passkey/options');
    const cookie = options.headers.getSetCookie().find((c) => c.startsWith('portcullis_passkey='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=strict/);
    expect(cookie).toMatch(/Max-Age=300/);
    // http://localhost: a Secure cookie would never come back.
    expect(cookie).not.toMatch(/Secure/);
  });

  it('names a passkey "Passkey" when the client gives no name, and fires onPasskeyAdded', async () => {
    const token = await app.signUp(email());
    const { created } = await addPasskey(token);
    const passkey = (await created.json()) as { id: string; name: string };
    expect(passkey.name).toBe('Passkey');
    const event = app.events.find((e) => e.kind === 'added' && e.event.passkey.id === passkey.id);
    expect(event?.event.passkey).toEqual({ id: passkey.id, name: 'Passkey' });
  });

  it('refuses to register without a login (401) and a body without response (422)', async () => {
    expect((await app.post('/auth/passkey/register/options')).status).toBe(401);
    const token = await app.signUp(email());
    const options = await app.post('/auth/passkey/register/options', { token });
    const missing = await app.post('/auth/passkey/register', {
      token,
      cookie: challengeCookie(options),
      json: { name: 'x' },
    });
    expect(missing.status).toBe(422);
  });

  it("refuses another user's registration challenge", async () => {
    const alice = await app.signUp(email());
    const bob = await app.signUp(email());
    const options = await app.post('/auth/passkey/register/options', { token: alice });
    const authenticator = createSoftwareAuthenticator({ origin: ORIGIN });
    const response = authenticator.register((await options.json()) as { challenge: string });
    const stolen = await app.post('/auth/passkey/register', {
      token: bob,
      cookie: challengeCookie(options),
      json: { response },
    });
    expect(stolen.status).toBe(400);
    expect(await stolen.json()).toEqual({ detail: 'PASSKEY_BAD_RESPONSE' });
  });

  it('refuses a registration from another origin or without user verification', async () => {
    const token = await app.signUp(email());
    for (const overrides of [{ origin: 'http://evil.localhost:8000' }, { userVerified: false }]) {
      const options = await app.post('/auth/passkey/register/options', { token });
      const authenticator = createSoftwareAuthenticator({ origin: ORIGIN, ...overrides });
      const response = authenticator.register((await options.json()) as { challenge: string });
      const refused = await app.post('/auth/passkey/register', {
        token,
        cookie: challengeCookie(options),
        json: { response },
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ detail: 'PASSKEY_BAD_RESPONSE' });
    }
  });
});

describe('passkey login', () => {
  it('logs in on the cookie backend: the auth cookie is set and the challenge cookie cleared', async () => {
    const token = await app.signUp(email());
    const { authenticator } = await addPasskey(token);
    const { cookie, body } = await loginOptions('/auth/cookie');
    const login = await app.post('/auth/cookie/passkey/login', {
      cookie,
      json: { response: authenticator.authenticate(body) },
    });
    expect(login.status).toBe(204);
    const cookies = login.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith('fastapiusersauth='))).toBe(true);
    expect(cookies.some((c) => c.startsWith('portcullis_passkey=;'))).toBe(true);
  });

  it('accepts a challenge once: of ten concurrent logins with one answer exactly one wins', async () => {
    const token = await app.signUp(email());
    const { authenticator } = await addPasskey(token);
    const { cookie, body } = await loginOptions();
    const response = authenticator.authenticate(body);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.post('/auth/jwt/passkey/login', { cookie, json: { response } }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(9);
    const replay = await app.post('/auth/jwt/passkey/login', { cookie, json: { response } });
    expect(replay.status).toBe(400);
  });

  it('refuses a bad signature, a wrong origin, a missing cookie and an unknown credential', async () => {
    const token = await app.signUp(email());
    const { authenticator } = await addPasskey(token);
    const attempt = async (
      make: (challenge: { challenge: string }) => Record<string, unknown>,
      withCookie = true,
    ): Promise<Response> => {
      const { cookie, body } = await loginOptions();
      return app.post('/auth/jwt/passkey/login', {
        cookie: withCookie ? cookie : null,
        json: { response: make(body) },
      });
    };
    const tampered = await attempt((c) => {
      const response = authenticator.authenticate(c);
      const inner = response.response as Record<string, string>;
      const signature = Buffer.from(inner.signature ?? '', 'base64url');
      signature[signature.length - 1] = (signature[signature.length - 1] ?? 0) ^ 1;
      return { ...response, response: { ...inner, signature: signature.toString('base64url') } };
    });
    const elsewhere = await attempt((c) =>
      authenticator.authenticate(c, { origin: 'http://evil.localhost:8000' }),
    );
    const noCookie = await attempt((c) => authenticator.authenticate(c), false);
    const stranger = createSoftwareAuthenticator({ origin: ORIGIN });
    stranger.register({ challenge: 'x' });
    const unknown = await attempt((c) => stranger.authenticate(c));
    for (const refused of [tampered, elsewhere, noCookie, unknown]) {
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ detail: 'PASSKEY_BAD_RESPONSE' });
    }
  });

  it('answers 422 for a login without response', async () => {
    const { cookie } = await loginOptions();
    const missing = await app.post('/auth/jwt/passkey/login', { cookie, json: {} });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual([
      'body',
      'response',
    ]);
  });
});

describe('managing passkeys', () => {
  it("deletes one's own passkey (204, then login with it is refused), never another user's", async () => {
    const alice = await app.signUp(email());
    const bob = await app.signUp(email());
    const { authenticator, created } = await addPasskey(alice);
    const { id } = (await created.json()) as { id: string };
    expect((await app.del(`/users/me/passkeys/${id}`, bob)).status).toBe(404);
    expect((await app.del('/users/me/passkeys/no-such-id', alice)).status).toBe(404);
    expect((await app.del(`/users/me/passkeys/${id}`, alice)).status).toBe(204);
    expect((await app.del(`/users/me/passkeys/${id}`, alice)).status).toBe(404);
    expect(app.events.some((e) => e.kind === 'removed' && e.event.passkey.id === id)).toBe(true);
    expect(await (await app.get('/users/me/passkeys', alice)).json()).toEqual([]);

    const { cookie, body } = await loginOptions();
    const login = await app.post('/auth/jwt/passkey/login', {
      cookie,
      json: { response: authenticator.authenticate(body) },
    });
    expect(login.status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents every passkey route with its error code', () => {
    const paths = app.openapi.paths as Record<string, Record<string, unknown>>;
    for (const [path, method] of [
      ['/auth/passkey/register/options', 'post'],
      ['/auth/passkey/register', 'post'],
      ['/users/me/passkeys', 'get'],
      ['/users/me/passkeys/{id}', 'delete'],
      ['/auth/jwt/passkey/options', 'post'],
      ['/auth/jwt/passkey/login', 'post'],
      ['/auth/cookie/passkey/login', 'post'],
    ] as const) {
      expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(JSON.stringify(paths['/auth/jwt/passkey/login'])).toContain('PASSKEY_BAD_RESPONSE');
    expect(JSON.stringify(paths['/auth/passkey/register'])).toContain('PASSKEY_BAD_RESPONSE');
  });
});

describe('the second-factor gate', () => {
  it('a TOTP user must pass the second step with a password, but a passkey login is complete', async () => {
    const address = email();
    const token = await app.signUp(address);
    const { authenticator } = await addPasskey(token);
    const setup = await app.post('/auth/mfa/totp/setup', { token });
    const { secret } = (await setup.json()) as { secret: string };
    const enable = await app.post('/auth/mfa/totp/enable', {
      token,
      json: { code: totpNow(secret) },
    });
    expect(enable.status).toBe(200);

    const password = await fetch(`${app.server.url}/auth/cookie/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: address, password: 'correct horse battery staple' }),
    });
    expect(password.status).toBe(400);
    expect(((await password.json()) as { detail: { code: string } }).detail.code).toBe(
      'LOGIN_MFA_REQUIRED',
    );
    expect(password.headers.getSetCookie()).toEqual([]);

    const { cookie, body } = await loginOptions('/auth/cookie');
    const login = await app.post('/auth/cookie/passkey/login', {
      cookie,
      json: { response: authenticator.authenticate(body) },
    });
    expect(login.status).toBe(204);
    expect(login.headers.getSetCookie().some((c) => c.startsWith('fastapiusersauth='))).toBe(true);
  });
});
