import { beforeAll, describe, expect, test } from 'vitest';

export interface ContractRequest {
  json?: unknown;
  form?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
}

/** A fetch init for a contract request: JSON or urlencoded form bodies get their content type. */
export function toRequestInit(method: string, init: ContractRequest = {}): RequestInit {
  const headers = new Headers(init.headers);
  let body: string | Uint8Array<ArrayBuffer> | undefined = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (init.form) {
    body = new URLSearchParams(init.form).toString();
    headers.set('content-type', 'application/x-www-form-urlencoded');
  }
  return { method, headers, body };
}

/** What the contract suite needs from a running app laid out as the demo (DESIGN §8). */
export interface ContractTarget {
  request(method: string, path: string, init?: ContractRequest): Promise<Response>;
  /** The last token mailed to this address (`verify` or `reset`). */
  lastToken(kind: 'verify' | 'reset', email: string): Promise<string>;
  /** Creates a user directly (not through /register), e.g. a superuser. */
  createUser(user: {
    email: string;
    password: string;
    superuser?: boolean;
    verified?: boolean;
    inactive?: boolean;
  }): Promise<{ id: string }>;
}

let counter = 0;
/** A fresh address per test, so the suite can share one app. */
export function freshEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}.${Date.now().toString(36)}${counter}@camelot.bt`;
}

const PASSWORD = 'guinevere';

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  return text === '' ? undefined : JSON.parse(text);
}

/**
 * The seed's HTTP contract (routes, statuses, `detail` codes; spec §6) as one suite, run
 * against the Fetch handler and against the demo server alike.
 */
export function defineContractSuite(name: string, setup: () => Promise<ContractTarget>): void {
  describe(`HTTP contract: ${name}`, () => {
    let t: ContractTarget;
    let superToken: string;
    beforeAll(async () => {
      t = await setup();
      const email = freshEmail('merlin');
      await t.createUser({ email, password: PASSWORD, superuser: true });
      superToken = await bearer(email);
    });

    const bearer = async (email: string, password = PASSWORD): Promise<string> => {
      const response = await t.request('POST', '/auth/jwt/login', {
        form: { username: email, password },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
    const register = async (
      email: string,
      password = PASSWORD,
    ): Promise<Record<string, unknown>> => {
      const response = await t.request('POST', '/auth/register', { json: { email, password } });
      expect(response.status).toBe(201);
      return (await response.json()) as Record<string, unknown>;
    };

    describe('POST /auth/register', () => {
      test('201 with the read schema; privilege fields in the body are ignored', async () => {
        const email = freshEmail();
        const response = await t.request('POST', '/auth/register', {
          json: {
            email,
            password: PASSWORD,
            is_superuser: true,
            is_active: false,
            is_verified: true,
          },
        });
        expect(response.status).toBe(201);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const body = (await response.json()) as Record<string, unknown>;
        expect(body).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          email,
          is_active: true,
          is_superuser: false,
          is_verified: false,
        });
      });
      test('normalises the domain and keeps the local part', async () => {
        const local = freshEmail('King.Arthur').split('@')[0];
        const body = await register(`  ${local}@Camelot.BT `);
        expect(body.email).toBe(`${local}@camelot.bt`);
      });
      test('400 REGISTER_USER_ALREADY_EXISTS, case-insensitively', async () => {
        const email = freshEmail();
        await register(email);
        const response = await t.request('POST', '/auth/register', {
          json: { email: email.toUpperCase(), password: PASSWORD },
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' });
      });
      test('400 REGISTER_INVALID_PASSWORD with the reason, checked before duplicates', async () => {
        const email = freshEmail();
        await register(email);
        const response = await t.request('POST', '/auth/register', {
          json: { email, password: 'short' },
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({
          detail: {
            code: 'REGISTER_INVALID_PASSWORD',
            reason: 'Password should be at least 8 characters',
          },
        });
      });
      test('422 for a missing field, with the whole body as input', async () => {
        const response = await t.request('POST', '/auth/register', {
          json: { email: freshEmail() },
        });
        expect(response.status).toBe(422);
        const body = (await response.json()) as { detail: Record<string, unknown>[] };
        expect(body.detail).toEqual([
          {
            type: 'missing',
            loc: ['body', 'password'],
            msg: 'Field required',
            input: expect.any(Object),
          },
        ]);
      });
      test('422 for an invalid email, with the reason', async () => {
        const response = await t.request('POST', '/auth/register', {
          json: { email: 'arthur@camelot.test', password: PASSWORD },
        });
        expect(response.status).toBe(422);
        const [issue] = ((await response.json()) as { detail: Record<string, unknown>[] }).detail;
        expect(issue).toMatchObject({
          type: 'value_error',
          loc: ['body', 'email'],
          input: 'arthur@camelot.test',
        });
        expect(String(issue?.msg)).toMatch(/^value is not a valid email address: /);
        expect(issue?.ctx).toHaveProperty('reason');
      });
      test('422 for operator objects, arrays and wrong types; never a 5xx', async () => {
        for (const json of [
          { email: { $ne: null }, password: PASSWORD },
          { email: [freshEmail()], password: PASSWORD },
          { email: freshEmail(), password: 12345678 },
          { email: freshEmail(), password: PASSWORD, is_active: 'maybe' },
          [],
          'text',
          null,
        ]) {
          const response = await t.request('POST', '/auth/register', { json });
          expect(response.status, JSON.stringify(json)).toBe(422);
        }
      });
      test('422 json_invalid for malformed JSON', async () => {
        const response = await t.request('POST', '/auth/register', {
          body: '{"email": ',
          headers: { 'content-type': 'application/json' },
        });
        expect(response.status).toBe(422);
        const [issue] = ((await response.json()) as { detail: Record<string, unknown>[] }).detail;
        expect(issue).toMatchObject({ type: 'json_invalid', msg: 'JSON decode error' });
        expect(issue?.loc).toEqual(['body', 10]);
        expect(issue?.ctx).toEqual({ error: 'Expecting value' });
      });
      test('422 field required for an empty body', async () => {
        const response = await t.request('POST', '/auth/register', {
          headers: { 'content-type': 'application/json' },
        });
        expect(response.status).toBe(422);
        expect(await response.json()).toEqual({
          detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
        });
      });
      test('413 for a body over the limit', async () => {
        const response = await t.request('POST', '/auth/register', {
          json: { email: freshEmail(), password: 'x'.repeat(2 * 1024 * 1024) },
        });
        expect(response.status).toBe(413);
      });
      test('NUL characters and invalid UTF-8 are refused with a 4xx', async () => {
        const nul = await t.request('POST', '/auth/register', {
          json: { email: `a\u0000${freshEmail()}`, password: PASSWORD },
        });
        expect(nul.status).toBe(422);
        const bad = await t.request('POST', '/auth/register', {
          body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
          headers: { 'content-type': 'application/json' },
        });
        expect(bad.status).toBe(400);
      });
      test('concurrent registrations of one email: exactly one 201', async () => {
        const email = freshEmail('race');
        const responses = await Promise.all(
          [email, email.toUpperCase(), email, email].map((e) =>
            t.request('POST', '/auth/register', { json: { email: e, password: PASSWORD } }),
          ),
        );
        const statuses = responses.map((r) => r.status).sort();
        expect(statuses).toEqual([201, 400, 400, 400]);
        for (const r of responses.filter((r) => r.status === 400)) {
          expect(await r.json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' });
        }
      });
    });

    describe('POST /auth/{jwt,cookie}/login and /logout', () => {
      test('bearer login: 200 {access_token, token_type: "bearer"}', async () => {
        const email = freshEmail();
        await register(email);
        const response = await t.request('POST', '/auth/jwt/login', {
          form: { username: email.toUpperCase(), password: PASSWORD },
        });
        expect(response.status).toBe(200);
        const body = (await response.json()) as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual(['access_token', 'token_type']);
        expect(body.token_type).toBe('bearer');
      });
      test('cookie login: 204, empty body, one HttpOnly SameSite=lax cookie', async () => {
        const email = freshEmail();
        await register(email);
        const response = await t.request('POST', '/auth/cookie/login', {
          form: { username: email, password: PASSWORD },
        });
        expect(response.status).toBe(204);
        expect(await response.text()).toBe('');
        const cookies = response.headers.getSetCookie();
        expect(cookies).toHaveLength(1);
        expect(cookies[0]).toMatch(
          /^fastapiusersauth=[A-Za-z0-9_-]{43}; HttpOnly; Max-Age=3600; Path=\/; SameSite=lax(; Secure)?$/,
        );
      });
      test('400 LOGIN_BAD_CREDENTIALS for a wrong password, an unknown email and an inactive user', async () => {
        const email = freshEmail();
        await register(email);
        const inactive = freshEmail('percival');
        await t.createUser({ email: inactive, password: PASSWORD, inactive: true });
        for (const [username, password] of [
          [email, 'wrong-password'],
          [freshEmail('nobody'), PASSWORD],
          [inactive, PASSWORD],
        ]) {
          for (const path of ['/auth/jwt/login', '/auth/cookie/login']) {
            const response = await t.request('POST', path, {
              form: { username: username as string, password: password as string },
            });
            expect(response.status).toBe(400);
            expect(await response.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' });
          }
        }
      });
      test('422 for missing form fields, empty values and JSON bodies', async () => {
        const missing = await t.request('POST', '/auth/jwt/login', {
          form: { username: freshEmail() },
        });
        expect(missing.status).toBe(422);
        expect(await missing.json()).toEqual({
          detail: [
            { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null },
          ],
        });
        const empty = await t.request('POST', '/auth/jwt/login', {
          form: { username: '', password: '' },
        });
        expect(((await empty.json()) as { detail: unknown[] }).detail).toHaveLength(2);
        const json = await t.request('POST', '/auth/jwt/login', {
          json: { username: 'a', password: 'b' },
        });
        expect(json.status).toBe(422);
        const grant = await t.request('POST', '/auth/jwt/login', {
          form: { username: 'a@b.io', password: 'x', grant_type: 'client_credentials' },
        });
        expect(grant.status).toBe(422);
      });
      test('logout: 401 without a token; 204 with one', async () => {
        const none = await t.request('POST', '/auth/jwt/logout');
        expect(none.status).toBe(401);
        expect(await none.json()).toEqual({ detail: 'Unauthorized' });
        const email = freshEmail();
        await register(email);
        const token = await bearer(email);
        const out = await t.request('POST', '/auth/jwt/logout', { headers: auth(token) });
        expect(out.status).toBe(204);
        expect(await out.text()).toBe('');
      });
      test('cookie logout clears the cookie and kills the session', async () => {
        const email = freshEmail();
        await register(email);
        const login = await t.request('POST', '/auth/cookie/login', {
          form: { username: email, password: PASSWORD },
        });
        const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
        expect((await t.request('GET', '/users/me', { headers: { cookie } })).status).toBe(200);
        const out = await t.request('POST', '/auth/cookie/logout', { headers: { cookie } });
        expect(out.status).toBe(204);
        expect(out.headers.getSetCookie()[0]).toMatch(
          /^fastapiusersauth=""; HttpOnly; Max-Age=0; Path=\/; SameSite=lax(; Secure)?$/,
        );
        expect((await t.request('GET', '/users/me', { headers: { cookie } })).status).toBe(401);
      });
    });

    describe('forgot and reset password', () => {
      test('202 null for known and unknown emails alike', async () => {
        const email = freshEmail();
        await register(email);
        for (const address of [email, freshEmail('ghost')]) {
          const response = await t.request('POST', '/auth/forgot-password', {
            json: { email: address },
          });
          expect(response.status).toBe(202);
          expect(await bodyOf(response)).toBeNull();
        }
      });
      test('422 for an invalid or missing email', async () => {
        const bad = await t.request('POST', '/auth/forgot-password', {
          json: { email: 'not-an-email' },
        });
        expect(bad.status).toBe(422);
        const missing = await t.request('POST', '/auth/forgot-password', { json: {} });
        expect(await missing.json()).toEqual({
          detail: [{ type: 'missing', loc: ['body', 'email'], msg: 'Field required', input: null }],
        });
      });
      test('the token resets the password once: 200 null, then RESET_PASSWORD_BAD_TOKEN', async () => {
        const email = freshEmail();
        await register(email);
        await t.request('POST', '/auth/forgot-password', { json: { email } });
        const token = await t.lastToken('reset', email);
        const weak = await t.request('POST', '/auth/reset-password', {
          json: { token, password: 'short' },
        });
        expect(weak.status).toBe(400);
        expect(await weak.json()).toEqual({
          detail: {
            code: 'RESET_PASSWORD_INVALID_PASSWORD',
            reason: 'Password should be at least 8 characters',
          },
        });
        const ok = await t.request('POST', '/auth/reset-password', {
          json: { token, password: 'excalibur!' },
        });
        expect(ok.status).toBe(200);
        expect(await bodyOf(ok)).toBeNull();
        await bearer(email, 'excalibur!');
        const again = await t.request('POST', '/auth/reset-password', {
          json: { token, password: 'another-one' },
        });
        expect(again.status).toBe(400);
        expect(await again.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' });
      });
      test('400 RESET_PASSWORD_BAD_TOKEN for garbage; 422 for missing fields', async () => {
        const bad = await t.request('POST', '/auth/reset-password', {
          json: { token: 'nope', password: 'whatever1' },
        });
        expect(bad.status).toBe(400);
        expect(await bad.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' });
        const missing = await t.request('POST', '/auth/reset-password', { json: { token: 'x' } });
        expect(missing.status).toBe(422);
      });
    });

    describe('request-verify-token and verify', () => {
      test('202 null always; the token verifies once', async () => {
        const email = freshEmail();
        await register(email);
        const ghost = await t.request('POST', '/auth/request-verify-token', {
          json: { email: freshEmail('ghost') },
        });
        expect(ghost.status).toBe(202);
        expect(await bodyOf(ghost)).toBeNull();
        const response = await t.request('POST', '/auth/request-verify-token', { json: { email } });
        expect(response.status).toBe(202);
        const token = await t.lastToken('verify', email);
        const ok = await t.request('POST', '/auth/verify', { json: { token } });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toMatchObject({ email, is_verified: true });
        const again = await t.request('POST', '/auth/verify', { json: { token } });
        expect(again.status).toBe(400);
        expect(await again.json()).toEqual({ detail: 'VERIFY_USER_ALREADY_VERIFIED' });
      });
      test('400 VERIFY_USER_BAD_TOKEN; 422 without a token', async () => {
        const bad = await t.request('POST', '/auth/verify', { json: { token: 'garbage' } });
        expect(bad.status).toBe(400);
        expect(await bad.json()).toEqual({ detail: 'VERIFY_USER_BAD_TOKEN' });
        const missing = await t.request('POST', '/auth/verify', { json: {} });
        expect(missing.status).toBe(422);
      });
    });

    describe('/users/me', () => {
      test('GET: 200 for the current user; 401 without a token or for a bad one', async () => {
        const email = freshEmail();
        const created = await register(email);
        const me = await t.request('GET', '/users/me', { headers: auth(await bearer(email)) });
        expect(me.status).toBe(200);
        expect(await me.json()).toEqual(created);
        for (const headers of [{}, auth('not-a-token'), { authorization: 'Basic abc' }]) {
          const response = await t.request('GET', '/users/me', { headers });
          expect(response.status).toBe(401);
          expect(await response.json()).toEqual({ detail: 'Unauthorized' });
        }
      });
      test('PATCH: updates; privilege fields ignored; email change resets verification', async () => {
        const email = freshEmail();
        await register(email);
        const token = await bearer(email);
        const next = freshEmail('renamed');
        const response = await t.request('PATCH', '/users/me', {
          headers: auth(token),
          json: { email: next, is_superuser: true, is_active: false, is_verified: true },
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          email: next,
          is_superuser: false,
          is_active: true,
          is_verified: false,
        });
      });
      test('PATCH: 400 UPDATE_USER_EMAIL_ALREADY_EXISTS and UPDATE_USER_INVALID_PASSWORD', async () => {
        const email = freshEmail();
        const taken = freshEmail('taken');
        await register(email);
        await register(taken);
        const token = await bearer(email);
        const dup = await t.request('PATCH', '/users/me', {
          headers: auth(token),
          json: { email: taken },
        });
        expect(dup.status).toBe(400);
        expect(await dup.json()).toEqual({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
        const weak = await t.request('PATCH', '/users/me', {
          headers: auth(token),
          json: { password: 'short' },
        });
        expect(weak.status).toBe(400);
        expect(await weak.json()).toEqual({
          detail: {
            code: 'UPDATE_USER_INVALID_PASSWORD',
            reason: 'Password should be at least 8 characters',
          },
        });
      });
      test('PATCH: 401 before schema errors; 422 for a bad body with a token', async () => {
        const noAuth = await t.request('PATCH', '/users/me', { json: { email: 'bad' } });
        expect(noAuth.status).toBe(401);
        const email = freshEmail();
        await register(email);
        const bad = await t.request('PATCH', '/users/me', {
          headers: auth(await bearer(email)),
          json: { email: 'bad' },
        });
        expect(bad.status).toBe(422);
      });
    });

    describe('/users/{id}', () => {
      test('GET: 200 for a superuser, 403 for others, 401 without a token, 404 for unknown or junk ids', async () => {
        const email = freshEmail();
        const user = await register(email);
        const ok = await t.request('GET', `/users/${user.id}`, { headers: auth(superToken) });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toEqual(user);
        const forbidden = await t.request('GET', `/users/${user.id}`, {
          headers: auth(await bearer(email)),
        });
        expect(forbidden.status).toBe(403);
        expect(await forbidden.json()).toEqual({ detail: 'Forbidden' });
        expect((await t.request('GET', `/users/${user.id}`)).status).toBe(401);
        for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '12']) {
          const missing = await t.request('GET', `/users/${id}`, { headers: auth(superToken) });
          expect(missing.status).toBe(404);
          expect(await missing.json()).toEqual({ detail: 'Not Found' });
        }
      });
      test('PATCH: a superuser may change privileges, email and password', async () => {
        const email = freshEmail();
        const user = await register(email);
        const next = freshEmail('promoted');
        const response = await t.request('PATCH', `/users/${user.id}`, {
          headers: auth(superToken),
          json: { email: next, is_superuser: true, is_verified: true, password: 'new-password!' },
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          email: next,
          is_superuser: true,
          is_verified: true,
        });
        await bearer(next, 'new-password!');
      });
      test('PATCH: 400 codes, 404, 403, 401', async () => {
        const user = await register(freshEmail());
        const other = freshEmail('other');
        await register(other);
        const dup = await t.request('PATCH', `/users/${user.id}`, {
          headers: auth(superToken),
          json: { email: other },
        });
        expect(await dup.json()).toEqual({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
        const weak = await t.request('PATCH', `/users/${user.id}`, {
          headers: auth(superToken),
          json: { password: 'x' },
        });
        expect(((await weak.json()) as { detail: { code: string } }).detail.code).toBe(
          'UPDATE_USER_INVALID_PASSWORD',
        );
        const missing = await t.request('PATCH', '/users/00000000-0000-4000-8000-000000000000', {
          headers: auth(superToken),
          json: { email: 'bad' },
        });
        expect(missing.status).toBe(404);
        const forbidden = await t.request('PATCH', `/users/${user.id}`, {
          headers: auth(await bearer(other)),
          json: {},
        });
        expect(forbidden.status).toBe(403);
        expect((await t.request('PATCH', `/users/${user.id}`, { json: {} })).status).toBe(401);
      });
      test('DELETE: 204 then 404; 403 and 401 for others', async () => {
        const email = freshEmail();
        const user = await register(email);
        const token = await bearer(email);
        expect(
          (await t.request('DELETE', `/users/${user.id}`, { headers: auth(token) })).status,
        ).toBe(403);
        expect((await t.request('DELETE', `/users/${user.id}`)).status).toBe(401);
        const gone = await t.request('DELETE', `/users/${user.id}`, { headers: auth(superToken) });
        expect(gone.status).toBe(204);
        expect(await gone.text()).toBe('');
        expect(
          (await t.request('DELETE', `/users/${user.id}`, { headers: auth(superToken) })).status,
        ).toBe(404);
        expect((await t.request('GET', '/users/me', { headers: auth(token) })).status).toBe(401);
      });
    });

    describe('unknown routes and methods', () => {
      test('404 {"detail":"Not Found"} for an unknown path; 405 for a wrong method', async () => {
        const unknown = await t.request('GET', '/auth/nothing-here');
        expect(unknown.status).toBe(404);
        expect(await unknown.json()).toEqual({ detail: 'Not Found' });
        const wrong = await t.request('GET', '/auth/register');
        expect(wrong.status).toBe(405);
        expect(await wrong.json()).toEqual({ detail: 'Method Not Allowed' });
      });
    });
  });
}
