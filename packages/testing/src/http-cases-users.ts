import { expect } from 'vitest';
import { auth, defineCase } from './http-case';
import { freshEmail } from './http-client';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** The users router (see docs/contract/routes.md#users-router) and routing answers every app shares (see docs/contract/routes.md#framework-rules). */
export const userCases = [
  defineCase(
    'HTTP-USERS-001',
    'GET /users/me: 200 for the current user; 401 without a token or with a bad one',
    async ({ request, register, bearer }) => {
      const email = freshEmail();
      const created = await register(email);
      const me = await request('GET', '/users/me', { headers: auth(await bearer(email)) });
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual(created);
      for (const headers of [{}, auth('not-a-token'), { authorization: 'Basic abc' }]) {
        const response = await request('GET', '/users/me', { headers });
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ detail: 'Unauthorized' });
      }
    },
  ),
  defineCase(
    'HTTP-USERS-002',
    'PATCH /users/me: updates; privilege fields ignored; an email change resets verification',
    async ({ request, register, bearer }) => {
      const email = freshEmail();
      await register(email);
      const token = await bearer(email);
      const next = freshEmail('renamed');
      const response = await request('PATCH', '/users/me', {
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
    },
  ),
  defineCase(
    'HTTP-USERS-003',
    'PATCH /users/me: 400 UPDATE_USER_EMAIL_ALREADY_EXISTS and UPDATE_USER_INVALID_PASSWORD',
    async ({ request, register, bearer }) => {
      const email = freshEmail();
      const taken = freshEmail('taken');
      await register(email);
      await register(taken);
      const token = await bearer(email);
      const dup = await request('PATCH', '/users/me', {
        headers: auth(token),
        json: { email: taken },
      });
      expect(dup.status).toBe(400);
      expect(await dup.json()).toEqual({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
      const weak = await request('PATCH', '/users/me', {
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
    },
  ),
  defineCase(
    'HTTP-USERS-004',
    'PATCH /users/me: 401 comes before schema errors; 422 for a bad body with a token',
    async ({ request, register, bearer }) => {
      const noAuth = await request('PATCH', '/users/me', { json: { email: 'bad' } });
      expect(noAuth.status).toBe(401);
      const email = freshEmail();
      await register(email);
      const bad = await request('PATCH', '/users/me', {
        headers: auth(await bearer(email)),
        json: { email: 'bad' },
      });
      expect(bad.status).toBe(422);
    },
  ),
  defineCase(
    'HTTP-USERS-005',
    'GET /users/{id}: 200 for a superuser, 403 for others, 401 anonymous, 404 unknown or junk ids',
    async ({ request, register, bearer, superToken }) => {
      const email = freshEmail();
      const user = await register(email);
      const admin = await superToken();
      const ok = await request('GET', `/users/${user.id}`, { headers: auth(admin) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual(user);
      const forbidden = await request('GET', `/users/${user.id}`, {
        headers: auth(await bearer(email)),
      });
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toEqual({ detail: 'Forbidden' });
      expect((await request('GET', `/users/${user.id}`)).status).toBe(401);
      for (const id of [UNKNOWN_ID, 'not-a-uuid', '12']) {
        const missing = await request('GET', `/users/${id}`, { headers: auth(admin) });
        expect(missing.status, id).toBe(404);
        expect(await missing.json()).toEqual({ detail: 'Not Found' });
      }
    },
  ),
  defineCase(
    'HTTP-USERS-006',
    'PATCH /users/{id}: a superuser may change privileges, email and password',
    async ({ request, register, bearer, superToken }) => {
      const user = await register(freshEmail());
      const next = freshEmail('promoted');
      const response = await request('PATCH', `/users/${user.id}`, {
        headers: auth(await superToken()),
        json: { email: next, is_superuser: true, is_verified: true, password: 'new-password!' },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        email: next,
        is_superuser: true,
        is_verified: true,
      });
      await bearer(next, 'new-password!');
    },
  ),
  defineCase(
    'HTTP-USERS-007',
    'PATCH /users/{id}: 400 codes, then 404, 403 and 401',
    async ({ request, register, bearer, superToken }) => {
      const admin = auth(await superToken());
      const user = await register(freshEmail());
      const other = freshEmail('other');
      await register(other);
      const dup = await request('PATCH', `/users/${user.id}`, {
        headers: admin,
        json: { email: other },
      });
      expect(dup.status).toBe(400);
      expect(await dup.json()).toEqual({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
      const weak = await request('PATCH', `/users/${user.id}`, {
        headers: admin,
        json: { password: 'x' },
      });
      expect(weak.status).toBe(400);
      expect(((await weak.json()) as { detail: { code: string } }).detail.code).toBe(
        'UPDATE_USER_INVALID_PASSWORD',
      );
      const missing = await request('PATCH', `/users/${UNKNOWN_ID}`, {
        headers: admin,
        json: { email: 'bad' },
      });
      expect(missing.status).toBe(404);
      const forbidden = await request('PATCH', `/users/${user.id}`, {
        headers: auth(await bearer(other)),
        json: {},
      });
      expect(forbidden.status).toBe(403);
      expect((await request('PATCH', `/users/${user.id}`, { json: {} })).status).toBe(401);
    },
  ),
  defineCase(
    'HTTP-USERS-008',
    'DELETE /users/{id}: 403 and 401 for others; 204 then 404 for a superuser',
    async ({ request, register, bearer, superToken }) => {
      const admin = auth(await superToken());
      const email = freshEmail();
      const user = await register(email);
      const token = await bearer(email);
      expect((await request('DELETE', `/users/${user.id}`, { headers: auth(token) })).status).toBe(
        403,
      );
      expect((await request('DELETE', `/users/${user.id}`)).status).toBe(401);
      const gone = await request('DELETE', `/users/${user.id}`, { headers: admin });
      expect(gone.status).toBe(204);
      expect(await gone.text()).toBe('');
      expect((await request('DELETE', `/users/${user.id}`, { headers: admin })).status).toBe(404);
      expect((await request('GET', '/users/me', { headers: auth(token) })).status).toBe(401);
    },
  ),
  defineCase(
    'HTTP-ROUTE-001',
    '404 {"detail":"Not Found"} for a path no route owns',
    async ({ request }) => {
      const unknown = await request('GET', '/auth/nothing-here');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ detail: 'Not Found' });
    },
  ),
  defineCase(
    'HTTP-ROUTE-002',
    '405 {"detail":"Method Not Allowed"} with Allow for a known path and another method',
    async ({ request }) => {
      for (const [method, path, allow] of [
        ['GET', '/auth/register', 'POST'],
        ['PUT', '/users/me', 'GET, PATCH, DELETE'],
        ['OPTIONS', '/auth/jwt/login', 'POST'],
      ] as const) {
        const wrong = await request(method, path);
        expect(wrong.status, `${method} ${path}`).toBe(405);
        expect(wrong.headers.get('allow')).toBe(allow);
        expect(await wrong.json()).toEqual({ detail: 'Method Not Allowed' });
      }
    },
  ),
  defineCase(
    'HTTP-ROUTE-004',
    'HEAD is answered wherever GET is, with its status and no body; elsewhere it gets 405',
    async ({ request, register, bearer }) => {
      const anonymous = await request('HEAD', '/users/me');
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).toBe('');
      const email = freshEmail();
      await register(email);
      const me = await request('HEAD', '/users/me', { headers: auth(await bearer(email)) });
      expect(me.status).toBe(200);
      expect(me.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await me.text()).toBe('');
      const postOnly = await request('HEAD', '/auth/register');
      expect(postOnly.status).toBe(405);
      expect(postOnly.headers.get('allow')).toBe('POST');
    },
  ),
  defineCase(
    'HTTP-ROUTE-005',
    "DELETE /users/me is /users/{id} with the id 'me': 401, then 404 for a superuser",
    async ({ request, superToken }) => {
      const anonymous = await request('DELETE', '/users/me');
      expect(anonymous.status).toBe(401);
      const admin = await request('DELETE', '/users/me', { headers: auth(await superToken()) });
      expect(admin.status).toBe(404);
      expect(await admin.json()).toEqual({ detail: 'Not Found' });
    },
  ),
];
