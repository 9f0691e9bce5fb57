import { expect } from 'vitest';
import { auth, defineCase, PASSWORD } from './http-case';
import { freshEmail } from './http-client';

/** The auth cookie as FastAPI Users sets it (see docs/contract/behaviour.md#cookie-transport); `Secure` depends on the app's scheme. */
export const AUTH_COOKIE =
  /^fastapiusersauth=[A-Za-z0-9_-]{43}; HttpOnly; Max-Age=3600; Path=\/; SameSite=lax(; Secure)?$/;

const CLEARED_COOKIE =
  /^fastapiusersauth=""; HttpOnly; Max-Age=0; Path=\/; SameSite=lax(; Secure)?$/;

/** POST /auth/{jwt,cookie}/login and /logout (see docs/contract/routes.md#login, docs/contract/behaviour.md#backends). */
export const loginCases = [
  defineCase(
    'HTTP-LOGIN-001',
    'bearer login: 200 {access_token, token_type: "bearer"}, email matched case-insensitively',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const response = await request('POST', '/auth/jwt/login', {
        form: { username: email.toUpperCase(), password: PASSWORD },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'token_type']);
      expect(body.token_type).toBe('bearer');
    },
  ),
  defineCase(
    'HTTP-LOGIN-002',
    '400 LOGIN_BAD_CREDENTIALS for a wrong password, an unknown email and an inactive user',
    async ({ request, register, target }) => {
      const email = freshEmail();
      await register(email);
      const inactive = freshEmail('percival');
      await target.createUser({ email: inactive, password: PASSWORD, inactive: true });
      for (const [username, password] of [
        [email, 'wrong-password'],
        [freshEmail('nobody'), PASSWORD],
        [inactive, PASSWORD],
      ] as const) {
        for (const path of ['/auth/jwt/login', '/auth/cookie/login']) {
          const response = await request('POST', path, { form: { username, password } });
          expect(response.status, `${path} ${username}`).toBe(400);
          expect(await response.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' });
        }
      }
    },
  ),
  defineCase(
    'HTTP-LOGIN-003',
    '422 for missing form fields, empty values, JSON bodies and a wrong grant_type',
    async ({ request }) => {
      const missing = await request('POST', '/auth/jwt/login', {
        form: { username: freshEmail() },
      });
      expect(missing.status).toBe(422);
      expect(await missing.json()).toEqual({
        detail: [
          { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null },
        ],
      });
      const empty = await request('POST', '/auth/jwt/login', {
        form: { username: '', password: '' },
      });
      expect(empty.status).toBe(422);
      expect(((await empty.json()) as { detail: unknown[] }).detail).toHaveLength(2);
      const json = await request('POST', '/auth/jwt/login', {
        json: { username: 'a', password: 'b' },
      });
      expect(json.status).toBe(422);
      const grant = await request('POST', '/auth/jwt/login', {
        form: { username: 'a@b.io', password: 'x', grant_type: 'client_credentials' },
      });
      expect(grant.status).toBe(422);
      expect(((await grant.json()) as { detail: { loc: unknown }[] }).detail[0]?.loc).toEqual([
        'body',
        'grant_type',
      ]);
    },
  ),
  defineCase(
    'HTTP-LOGIN-004',
    'logout: 401 without a token; 204 and an empty body with one',
    async ({ request, register, bearer }) => {
      const none = await request('POST', '/auth/jwt/logout');
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ detail: 'Unauthorized' });
      const email = freshEmail();
      await register(email);
      const out = await request('POST', '/auth/jwt/logout', { headers: auth(await bearer(email)) });
      expect(out.status).toBe(204);
      expect(await out.text()).toBe('');
    },
  ),
  defineCase(
    'HTTP-LOGIN-005',
    'login accepts a multipart form as well as an urlencoded one',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const response = await request('POST', '/auth/jwt/login', {
        multipart: { username: email, password: PASSWORD },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ token_type: 'bearer' });
    },
  ),
  defineCase(
    'HTTP-LOGIN-006',
    'a repeated form field counts with its last value, as Starlette reads it',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const response = await request('POST', '/auth/jwt/login', {
        form: [
          ['username', email],
          ['password', 'wrong-password'],
          ['password', PASSWORD],
        ],
      });
      expect(response.status).toBe(200);
    },
  ),
  defineCase(
    'HTTP-COOKIE-001',
    'cookie login: 204, empty body, exactly one HttpOnly SameSite=lax auth cookie',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const response = await request('POST', '/auth/cookie/login', {
        form: { username: email, password: PASSWORD },
      });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      const cookies = response.headers.getSetCookie();
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatch(AUTH_COOKIE);
    },
  ),
  defineCase(
    'HTTP-COOKIE-002',
    'the cookie authenticates; logout clears it and kills the session',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const login = await request('POST', '/auth/cookie/login', {
        form: { username: email, password: PASSWORD },
      });
      const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
      const me = await request('GET', '/users/me', { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ email });
      const out = await request('POST', '/auth/cookie/logout', { headers: { cookie } });
      expect(out.status).toBe(204);
      expect(out.headers.getSetCookie()).toEqual([expect.stringMatching(CLEARED_COOKIE)]);
      expect((await request('GET', '/users/me', { headers: { cookie } })).status).toBe(401);
    },
  ),
];
