import { expect } from 'vitest';
import { auth, type CaseContext, defineCase, PASSWORD } from './http-case';
import { freshEmail } from './http-client';

type Tokens = {
  access_token: string;
  token_type: string;
  refresh_token: string;
  expires_in: number;
};
type Listed = { id: string; backend: string; current: boolean }[];

async function sessionLogin(request: CaseContext['request'], email: string): Promise<Tokens> {
  const response = await request('POST', '/auth/session/login', {
    form: { username: email, password: PASSWORD },
  });
  expect(response.status, `session login of ${email}`).toBe(200);
  return (await response.json()) as Tokens;
}

async function cookieLogin(request: CaseContext['request'], email: string): Promise<string> {
  const response = await request('POST', '/auth/cookie/login', {
    form: { username: email, password: PASSWORD },
  });
  expect(response.status, `cookie login of ${email}`).toBe(204);
  return response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
}

const refresh = (request: CaseContext['request'], token: string) =>
  request('POST', '/auth/session/refresh', { json: { refresh_token: token } });

/** Sessions, refresh tokens and the revocation rules (docs/sessions.md), on the suite's app. */
export const sessionCases = [
  defineCase(
    'HTTP-SESSION-001',
    'session login answers a refresh token and expires_in; the access token authenticates',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const tokens = await sessionLogin(request, email);
      expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 900 });
      expect(typeof tokens.refresh_token).toBe('string');
      const me = await request('GET', '/users/me', { headers: auth(tokens.access_token) });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe(email);
    },
  ),
  defineCase(
    'HTTP-SESSION-002',
    'refresh rotates; 20 concurrent refreshes of one token all get the same single successor',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const { refresh_token } = await sessionLogin(request, email);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => refresh(request, refresh_token)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      const bodies = (await Promise.all(answers.map((a) => a.json()))) as Tokens[];
      const successors = new Set(bodies.map((b) => b.refresh_token));
      expect(successors.size).toBe(1);
      expect(successors.has(refresh_token)).toBe(false);
      const [successor = ''] = successors;
      const next = await refresh(request, successor);
      expect(next.status).toBe(200);
      expect(((await next.json()) as Tokens).refresh_token).not.toBe(successor);
    },
  ),
  defineCase(
    'HTTP-SESSION-003',
    'refresh: a bad token is 400 REFRESH_TOKEN_BAD_TOKEN, a missing field 422',
    async ({ request }) => {
      const bad = await refresh(request, 'not-a-refresh-token');
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ detail: 'REFRESH_TOKEN_BAD_TOKEN' });
      const missing = await request('POST', '/auth/session/refresh', { json: {} });
      expect(missing.status).toBe(422);
    },
  ),
  defineCase(
    'HTTP-SESSION-004',
    'session logout ends the session: its access token answers 401, its refresh token 400',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const tokens = await sessionLogin(request, email);
      const out = await request('POST', '/auth/session/logout', {
        headers: auth(tokens.access_token),
      });
      expect(out.status).toBe(204);
      const me = await request('GET', '/users/me', { headers: auth(tokens.access_token) });
      expect(me.status).toBe(401);
      expect((await refresh(request, tokens.refresh_token)).status).toBe(400);
    },
  ),
  defineCase(
    'HTTP-SESSION-005',
    'GET /users/me/sessions lists cookie and session logins, marks the current one; DELETE one ends it',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const cookie = await cookieLogin(request, email);
      const { access_token } = await sessionLogin(request, email);
      const list = await request('GET', '/users/me/sessions', { headers: auth(access_token) });
      expect(list.status).toBe(200);
      const listed = (await list.json()) as Listed;
      expect(listed.map((s) => [s.backend, s.current])).toEqual([
        ['session', true],
        ['cookie', false],
      ]);
      const other = listed[1]?.id ?? '';
      const ended = await request('DELETE', `/users/me/sessions/${other}`, {
        headers: auth(access_token),
      });
      expect(ended.status).toBe(204);
      expect((await request('GET', '/users/me', { headers: { cookie } })).status).toBe(401);
      const again = await request('DELETE', `/users/me/sessions/${other}`, {
        headers: auth(access_token),
      });
      expect(again.status).toBe(404);
      expect(await again.json()).toEqual({ detail: 'Not Found' });
    },
  ),
  defineCase(
    'HTTP-SESSION-006',
    'DELETE /users/me/sessions ends every session but the current one',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const cookie = await cookieLogin(request, email);
      const older = await sessionLogin(request, email);
      const current = await sessionLogin(request, email);
      const response = await request('DELETE', '/users/me/sessions', {
        headers: auth(current.access_token),
      });
      expect(response.status).toBe(204);
      expect((await request('GET', '/users/me', { headers: { cookie } })).status).toBe(401);
      const olderMe = await request('GET', '/users/me', { headers: auth(older.access_token) });
      expect(olderMe.status).toBe(401);
      const mine = await request('GET', '/users/me', { headers: auth(current.access_token) });
      expect(mine.status).toBe(200);
    },
  ),
  defineCase(
    'HTTP-SESSION-007',
    'superuser GET/DELETE /users/{id}/sessions; 403 for everyone else, own id included; 404 unknown user',
    async ({ request, register, superToken }) => {
      const email = freshEmail();
      const user = (await register(email)) as { id: string };
      const { access_token } = await sessionLogin(request, email);
      const admin = await superToken();
      const listed = await request('GET', `/users/${user.id}/sessions`, { headers: auth(admin) });
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as Listed).map((s) => s.backend)).toEqual(['session']);
      const own = await request('GET', `/users/${user.id}/sessions`, {
        headers: auth(access_token),
      });
      expect(own.status).toBe(403);
      const unknown = '/users/00000000-0000-4000-8000-000000000000/sessions';
      expect((await request('GET', unknown, { headers: auth(admin) })).status).toBe(404);
      const ended = await request('DELETE', `/users/${user.id}/sessions`, { headers: auth(admin) });
      expect(ended.status).toBe(204);
      expect((await request('GET', '/users/me', { headers: auth(access_token) })).status).toBe(401);
    },
  ),
  defineCase(
    'HTTP-SESSION-008',
    'a password reset ends every session; PATCH /users/me of the password keeps only the current one',
    async ({ request, register, target }) => {
      const email = freshEmail();
      await register(email);
      const cookie = await cookieLogin(request, email);
      const { access_token } = await sessionLogin(request, email);
      const patched = await request('PATCH', '/users/me', {
        json: { password: 'excalibur!' },
        headers: auth(access_token),
      });
      expect(patched.status).toBe(200);
      expect((await request('GET', '/users/me', { headers: { cookie } })).status).toBe(401);
      expect((await request('GET', '/users/me', { headers: auth(access_token) })).status).toBe(200);
      await request('POST', '/auth/forgot-password', { json: { email } });
      const token = await target.lastToken('reset', email);
      const reset = await request('POST', '/auth/reset-password', {
        json: { token, password: 'excalibur!!' },
      });
      expect(reset.status).toBe(200);
      expect((await request('GET', '/users/me', { headers: auth(access_token) })).status).toBe(401);
    },
  ),
  defineCase(
    'HTTP-SESSION-009',
    'cookie refresh: login sets both cookies, refresh answers 204 with both rotated, a bad one 400 with both cleared',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const login = await request('POST', '/auth/refreshcookie/login', {
        form: { username: email, password: PASSWORD },
      });
      expect(login.status).toBe(204);
      const cookies = login.headers.getSetCookie();
      expect(cookies).toHaveLength(2);
      expect(cookies[1]).toMatch(
        /^suiterefresh_refresh=.+HttpOnly.+Path=\/auth\/refreshcookie\/refresh/,
      );
      const presented = cookies[1]?.split(';')[0] ?? '';
      const rotated = await request('POST', '/auth/refreshcookie/refresh', {
        headers: { cookie: presented },
      });
      expect(rotated.status).toBe(204);
      const next = rotated.headers.getSetCookie();
      expect(next).toHaveLength(2);
      expect(next[1]?.split(';')[0]).not.toBe(presented);
      const me = await request('GET', '/users/me', {
        headers: { cookie: next[0]?.split(';')[0] ?? '' },
      });
      expect(me.status).toBe(200);
      const bad = await request('POST', '/auth/refreshcookie/refresh', {
        headers: { cookie: 'suiterefresh_refresh=forged' },
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ detail: 'REFRESH_TOKEN_BAD_TOKEN' });
      const cleared = bad.headers.getSetCookie();
      expect(cleared).toHaveLength(2);
      for (const cookie of cleared) expect(cookie).toContain('Max-Age=0');
    },
  ),
] as const;
