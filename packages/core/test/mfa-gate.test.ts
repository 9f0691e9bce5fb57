import { describe, expect, test } from 'vitest';
import { createAuthBackend } from '../src/auth/backend';
import { createBearerTransport } from '../src/auth/bearer-transport';
import { createJwtStrategy } from '../src/auth/jwt-strategy';
import { ErrorCode, PortcullisConfigError, PortcullisError } from '../src/errors';
import { createMemoryMfaStore } from '../src/mfa/memory-mfa-store';
import { buildOpenApi } from '../src/openapi';
import { createPortcullis } from '../src/portcullis';
import type { MfaStore } from '../src/types';
import { createTestApp, fastHasher, SECRET } from './app';
import { createMemoryUserStore } from './memory-store';
import { body, codeAt, enrolled, mfaToken, PASSWORD, passwordLogin, second } from './mfa-flow';
import { createFakeOAuthClient } from './oauth-fake-client';

describe('TOTP enrolment (/auth/mfa)', () => {
  test('setup answers a base32 secret and its otpauth URI; enable answers ten recovery codes', async () => {
    const e = await enrolled();
    expect(e.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(e.recoveryCodes).toHaveLength(10);
    expect(new Set(e.recoveryCodes).size).toBe(10);
    for (const code of e.recoveryCodes)
      expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    expect(e.app.events.map((x) => x.name)).toEqual(['onMfaEnabled']);
  });

  test('stores the secret sealed and the recovery codes as digests only', async () => {
    const e = await enrolled();
    const user = await e.app.portcullis.userManager.getByEmail(e.email);
    const record = await e.app.mfaStore?.get(user.id);
    expect(record?.totp_secret).toMatch(/^v1\./);
    expect(record?.totp_secret).not.toContain(e.secret);
    expect(record?.recovery_codes_left).toBe(10);
    // A digest is what consumes a code: the plain code is not a key of the store.
    const plain = e.recoveryCodes[0]?.replace(/-/g, '') ?? '';
    expect(await e.app.mfaStore?.consumeRecoveryCode(user.id, plain)).toBe(false);
  });

  test('setup and the options routes accept an empty body or {}', async () => {
    const app = createTestApp({ mfa: true });
    await app.portcullis.userManager.create({ email: 'empty@camelot.bt', password: PASSWORD });
    const login = await app.request('POST', '/auth/jwt/login', {
      form: { username: 'empty@camelot.bt', password: PASSWORD },
    });
    const bearer = `Bearer ${((await body(login)) as { access_token: string }).access_token}`;
    const bare = await app.request('POST', '/auth/mfa/totp/setup', {
      headers: { authorization: bearer },
    });
    const braces = await app.request('POST', '/auth/mfa/totp/setup', {
      headers: { authorization: bearer },
      json: {},
    });
    expect([bare.status, braces.status]).toEqual([200, 200]);
    const anonymous = await app.request('POST', '/auth/mfa/totp/setup');
    expect(anonymous.status).toBe(401);
  });

  test('a new setup replaces the pending secret: a code of the old one is refused', async () => {
    const app = createTestApp({ mfa: true });
    await app.portcullis.userManager.create({ email: 'twice@camelot.bt', password: PASSWORD });
    const login = await app.request('POST', '/auth/jwt/login', {
      form: { username: 'twice@camelot.bt', password: PASSWORD },
    });
    const headers = {
      authorization: `Bearer ${((await body(login)) as { access_token: string }).access_token}`,
    };
    const first = (await body(await app.request('POST', '/auth/mfa/totp/setup', { headers })))
      .secret as string;
    const fresh = (await body(await app.request('POST', '/auth/mfa/totp/setup', { headers })))
      .secret as string;
    expect(fresh).not.toBe(first);
    const old = await app.request('POST', '/auth/mfa/totp/enable', {
      headers,
      json: { code: await codeAt(first) },
    });
    expect(old.status).toBe(400);
    expect(await old.json()).toEqual({ detail: 'MFA_BAD_CODE' });
    const ok = await app.request('POST', '/auth/mfa/totp/enable', {
      headers,
      json: { code: await codeAt(fresh) },
    });
    expect(ok.status).toBe(200);
  });

  test('enable and setup once enabled: 400 MFA_ALREADY_ENABLED', async () => {
    const e = await enrolled();
    const headers = { authorization: e.bearer };
    const setup = await e.app.request('POST', '/auth/mfa/totp/setup', { headers });
    expect(await setup.json()).toEqual({ detail: 'MFA_ALREADY_ENABLED' });
    const enable = await e.app.request('POST', '/auth/mfa/totp/enable', {
      headers,
      json: { code: await codeAt(e.secret, 1) },
    });
    expect(enable.status).toBe(400);
    expect(await enable.json()).toEqual({ detail: 'MFA_ALREADY_ENABLED' });
  });

  test('enable without a code is 422; with a wrong code 400 MFA_BAD_CODE', async () => {
    const app = createTestApp({ mfa: true });
    await app.portcullis.userManager.create({ email: 'wrong@camelot.bt', password: PASSWORD });
    const login = await app.request('POST', '/auth/jwt/login', {
      form: { username: 'wrong@camelot.bt', password: PASSWORD },
    });
    const headers = {
      authorization: `Bearer ${((await body(login)) as { access_token: string }).access_token}`,
    };
    await app.request('POST', '/auth/mfa/totp/setup', { headers });
    const missing = await app.request('POST', '/auth/mfa/totp/enable', { headers, json: {} });
    expect(missing.status).toBe(422);
    const wrong = await app.request('POST', '/auth/mfa/totp/enable', {
      headers,
      json: { code: '000000' },
    });
    expect(await wrong.json()).toEqual({ detail: 'MFA_BAD_CODE' });
  });

  test('disable needs a right code, then logins need no second step', async () => {
    const e = await enrolled();
    const headers = { authorization: e.bearer };
    const wrong = await e.app.request('POST', '/auth/mfa/totp/disable', {
      headers,
      json: { code: '123456' },
    });
    expect(await wrong.json()).toEqual({ detail: 'MFA_BAD_CODE' });
    const ok = await e.app.request('POST', '/auth/mfa/totp/disable', {
      headers,
      json: { code: e.recoveryCodes[3] },
    });
    expect(ok.status).toBe(204);
    expect((await passwordLogin(e, 'jwt')).status).toBe(200);
    expect(e.app.events.map((x) => x.name)).toEqual([
      'onMfaEnabled',
      'onMfaFailed',
      'onMfaDisabled',
    ]);
  });

  test('disable allows five attempts per five minutes: then 429, even with a right code', async () => {
    const e = await enrolled();
    const headers = { authorization: e.bearer };
    for (let i = 0; i < 5; i++) {
      const wrong = await e.app.request('POST', '/auth/mfa/totp/disable', {
        headers,
        json: { code: '000000' },
      });
      expect(wrong.status).toBe(400);
    }
    const right = await e.app.request('POST', '/auth/mfa/totp/disable', {
      headers,
      json: { code: e.recoveryCodes[0] },
    });
    expect(right.status).toBe(429);
    const wait = Number(right.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(300);
    expect((await passwordLogin(e, 'jwt')).status).toBe(400);
  });
});

describe('the MFA gate: no session before the second step', () => {
  test('password login on the bearer backend: LOGIN_MFA_REQUIRED, then the token at /login/mfa', async () => {
    const e = await enrolled();
    const token = await mfaToken(await passwordLogin(e, 'jwt'));
    const done = await second(e, 'jwt', token, await codeAt(e.secret, 1));
    expect(done.status).toBe(200);
    const { access_token, token_type } = (await done.json()) as Record<string, string>;
    expect(token_type).toBe('bearer');
    const me = await e.app.request('GET', '/users/me', {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(me.status).toBe(200);
  });

  test('password login on the cookie backend: no cookie and no token row until the second step', async () => {
    const e = await enrolled();
    const before = e.app.accessTokens.size();
    const token = await mfaToken(await passwordLogin(e, 'cookie'));
    expect(e.app.accessTokens.size()).toBe(before);
    const done = await second(e, 'cookie', token, e.recoveryCodes[0] ?? '');
    expect(done.status).toBe(204);
    expect(done.headers.get('set-cookie')).toMatch(/^fastapiusersauth=/);
    expect(e.app.accessTokens.size()).toBe(before + 1);
  });

  test('a TOTP code is accepted once: replay on a new MFA token is refused', async () => {
    const e = await enrolled();
    const code = await codeAt(e.secret, 1);
    const first = await second(e, 'jwt', await mfaToken(await passwordLogin(e, 'jwt')), code);
    expect(first.status).toBe(200);
    const again = await second(e, 'jwt', await mfaToken(await passwordLogin(e, 'jwt')), code);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ detail: 'MFA_BAD_CODE' });
    // The enrolment's own code (the current step) is spent as well.
    const enrolment = await second(
      e,
      'jwt',
      await mfaToken(await passwordLogin(e, 'jwt')),
      await codeAt(e.secret, 0),
    );
    expect(await enrolment.json()).toEqual({ detail: 'MFA_BAD_CODE' });
  });

  test('a recovery code works once, in any case and without dashes', async () => {
    const e = await enrolled();
    const code = e.recoveryCodes[5] ?? '';
    const loose = code.replace(/-/g, '').toUpperCase();
    const first = await second(e, 'jwt', await mfaToken(await passwordLogin(e, 'jwt')), loose);
    expect(first.status).toBe(200);
    const again = await second(e, 'jwt', await mfaToken(await passwordLogin(e, 'jwt')), code);
    expect(await again.json()).toEqual({ detail: 'MFA_BAD_CODE' });
  });

  test('one recovery code under concurrent use: exactly one login', async () => {
    const e = await enrolled();
    const code = e.recoveryCodes[2] ?? '';
    const tokens = await Promise.all(
      Array.from({ length: 8 }, async () => mfaToken(await passwordLogin(e, 'jwt'))),
    );
    const results = await Promise.all(tokens.map((t) => second(e, 'jwt', t, code)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  test('an MFA token is single-use', async () => {
    const e = await enrolled();
    const token = await mfaToken(await passwordLogin(e, 'jwt'));
    expect((await second(e, 'jwt', token, e.recoveryCodes[0] ?? '')).status).toBe(200);
    const reuse = await second(e, 'jwt', token, e.recoveryCodes[1] ?? '');
    expect(await reuse.json()).toEqual({ detail: 'MFA_BAD_TOKEN' });
  });

  test('20 concurrent wrong codes: exactly 5 counted, then the token is dead', async () => {
    const e = await enrolled();
    const token = await mfaToken(await passwordLogin(e, 'jwt'));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => second(e, 'jwt', token, '000000')),
    );
    const details = await Promise.all(results.map(async (r) => (await body(r)).detail));
    expect(details.filter((d) => d === 'MFA_BAD_CODE')).toHaveLength(5);
    expect(details.filter((d) => d === 'MFA_BAD_TOKEN')).toHaveLength(15);
    const right = await second(e, 'jwt', token, e.recoveryCodes[0] ?? '');
    expect(await right.json()).toEqual({ detail: 'MFA_BAD_TOKEN' });
    const failures = e.app.events.filter((x) => x.name === 'onMfaFailed');
    expect(failures).toHaveLength(21);
  });

  test('ten second-step attempts per user per five minutes, across tokens: then 429', async () => {
    const e = await enrolled();
    for (let round = 0; round < 2; round++) {
      const token = await mfaToken(await passwordLogin(e, 'jwt'));
      for (let i = 0; i < 5; i++) {
        expect(await (await second(e, 'jwt', token, '000000')).json()).toEqual({
          detail: 'MFA_BAD_CODE',
        });
      }
    }
    const fresh = await mfaToken(await passwordLogin(e, 'jwt'));
    const refused = await second(e, 'jwt', fresh, e.recoveryCodes[0] ?? '');
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(300);
    expect(await refused.json()).toEqual({ detail: 'TOO_MANY_REQUESTS' });
  });

  test('a token is bound to its backend, its audience and its signature', async () => {
    const e = await enrolled();
    const token = await mfaToken(await passwordLogin(e, 'jwt'));
    const elsewhere = await second(e, 'cookie', token, e.recoveryCodes[0] ?? '');
    expect(await elsewhere.json()).toEqual({ detail: 'MFA_BAD_TOKEN' });
    const tampered = `${token.slice(0, -3)}${token.endsWith('A') ? 'BBB' : 'AAA'}`;
    expect(await (await second(e, 'jwt', tampered, e.recoveryCodes[0] ?? '')).json()).toEqual({
      detail: 'MFA_BAD_TOKEN',
    });
    // An access token is no MFA token.
    const access = e.bearer.slice('Bearer '.length);
    expect(await (await second(e, 'jwt', access, e.recoveryCodes[0] ?? '')).json()).toEqual({
      detail: 'MFA_BAD_TOKEN',
    });
    const missing = await e.app.request('POST', '/auth/jwt/login/mfa', { json: { code: '1' } });
    expect(missing.status).toBe(422);
  });

  test('reset password keeps the factor: the next login still asks for it', async () => {
    const e = await enrolled();
    const user = await e.app.portcullis.userManager.getByEmail(e.email);
    await e.app.portcullis.userManager.forgotPassword(user);
    const token = e.app.mail.find((m) => m.kind === 'reset')?.token ?? '';
    const reset = await e.app.request('POST', '/auth/reset-password', {
      json: { token, password: 'new-password-42' },
    });
    expect(reset.status).toBe(200);
    expect(reset.headers.get('set-cookie')).toBeNull();
    const login = await e.app.request('POST', '/auth/cookie/login', {
      form: { username: e.email, password: 'new-password-42' },
    });
    await mfaToken(login);
  });

  test('OAuth login of a TOTP user: LOGIN_MFA_REQUIRED, no cookie, then /login/mfa', async () => {
    const e = await enrolled();
    const client = createFakeOAuthClient();
    client.identity = { id: 'acct-mfa', email: e.email, emailVerified: true };
    const router = e.app.portcullis.oauthRouter(client, 'cookie', {
      stateSecret: SECRET,
      associateByEmail: true,
      loginRedirectUrl: 'https://front.example/after',
    });
    const handler = e.app.portcullis.handler([...e.app.mounts, ['/auth/fake', router]]);
    const get = (path: string, cookie?: string) =>
      handler.fetch(new Request(`http://app.test${path}`, { headers: cookie ? { cookie } : {} }));
    const authorize = await get('/auth/fake/authorize');
    const url = new URL(
      ((await authorize.json()) as { authorization_url: string }).authorization_url,
    );
    const csrf = (authorize.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const before = e.app.accessTokens.size();
    const callback = await get(
      `/auth/fake/callback?code=c&state=${url.searchParams.get('state')}`,
      csrf,
    );
    const token = await mfaToken(callback);
    expect(e.app.accessTokens.size()).toBe(before);
    const done = await second(e, 'cookie', token, await codeAt(e.secret, 1));
    expect(done.status).toBe(204);
    expect(done.headers.get('set-cookie')).toMatch(/^fastapiusersauth=/);
  });

  test('events never carry a code, a secret or a token', async () => {
    const e = await enrolled();
    const token = await mfaToken(await passwordLogin(e, 'jwt'));
    await second(e, 'jwt', token, '654321');
    await second(e, 'jwt', token, e.recoveryCodes[0] ?? '');
    const text = JSON.stringify(e.app.events);
    for (const secret of [e.secret, token, '654321', ...e.recoveryCodes]) {
      expect(text).not.toContain(secret);
    }
    expect(e.app.events.map((x) => x.name)).toEqual(['onMfaEnabled', 'onMfaFailed']);
  });

  test('the OpenAPI document lists /login/mfa and the MFA routes with their codes', () => {
    const app = createTestApp({ mfa: true });
    const doc = buildOpenApi(app.handler.routes, app.portcullis.backends);
    const text = JSON.stringify(doc);
    for (const path of [
      '/auth/jwt/login/mfa',
      '/auth/cookie/login/mfa',
      '/auth/mfa/totp/setup',
      '/auth/mfa/totp/enable',
      '/auth/mfa/totp/disable',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    for (const code of [
      'LOGIN_MFA_REQUIRED',
      'MFA_BAD_CODE',
      'MFA_BAD_TOKEN',
      'MFA_ALREADY_ENABLED',
    ]) {
      expect(text).toContain(code);
    }
  });
});

describe('/login/mfa and the per-address budget', () => {
  test('spends the budget of routes reached without credentials: 429 past it', async () => {
    const app = createTestApp({ mfa: true, rateLimit: { perAddressPerMinute: 3 } });
    const send = () =>
      app.handler.fetch(
        new Request('http://app.test/auth/jwt/login/mfa', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mfa_token: 'x', code: '123456' }),
        }),
        { remoteAddress: '203.0.113.9' },
      );
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});

describe('an unreachable MFA store', () => {
  test('fails closed: the login answers 503 and issues nothing', async () => {
    const users = createMemoryUserStore();
    const down: MfaStore = {
      ...createMemoryMfaStore(),
      get: async () => {
        throw new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, 'MFA store down');
      },
    };
    const portcullis = createPortcullis({
      userManager: {
        users,
        passwordHasher: fastHasher(),
        resetPasswordToken: { secret: SECRET },
        verificationToken: { secret: SECRET },
      },
      backends: [
        createAuthBackend({
          name: 'jwt',
          transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
          strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60 }),
        }),
      ],
      mfa: { store: down, encryptionKey: SECRET },
    });
    await portcullis.userManager.create({ email: 'kay@camelot.bt', password: PASSWORD });
    const handler = portcullis.handler([['/auth/jwt', portcullis.authRouter('jwt')]]);
    const response = await handler.fetch(
      new Request('http://app.test/auth/jwt/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'kay@camelot.bt', password: PASSWORD }),
      }),
    );
    expect(response.status).toBe(503);
    expect(await response.text()).not.toContain('access_token');
  });
});

describe('mfa option', () => {
  const base = () => ({
    userManager: {
      users: createMemoryUserStore(),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [],
  });

  test('an encryption key under 32 bytes stops start-up', () => {
    const run = () =>
      createPortcullis({
        ...base(),
        mfa: { store: createMemoryMfaStore(), encryptionKey: 'short' },
      });
    expect(run).toThrow(PortcullisConfigError);
    expect(run).toThrow('mfa.encryptionKey must be at least 32 bytes (got 5)');
  });

  test('a store missing a method stops start-up', () => {
    const { spendToken: _gone, ...partial } = createMemoryMfaStore();
    expect(() =>
      createPortcullis({
        ...base(),
        // @ts-expect-error: incomplete on purpose
        mfa: { store: partial, encryptionKey: SECRET },
      }),
    ).toThrow('mfa.store.spendToken must be a function');
  });

  test('mfaRouter() without the mfa option is a configuration error', () => {
    expect(() => createPortcullis(base()).mfaRouter()).toThrow(PortcullisConfigError);
  });
});
