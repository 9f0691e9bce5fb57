import { expect } from 'vitest';
import { APP_ERROR_BODY, EXTRA_COOKIES, TAG } from './http-app';
import { auth, defineCase, PASSWORD } from './http-case';
import { AUTH_COOKIE } from './http-cases-login';
import { freshEmail } from './http-client';

/**
 * What only an adapter decides: headers surviving the framework, what reaches the app, and the
 * user the adapter's guard hands to the app's own routes. They run on the suite's own app
 * (`HttpSuiteApp`), whose hooks react to tagged emails.
 */
export const adapterCases = [
  defineCase(
    'HTTP-COOKIE-003',
    'several Set-Cookie headers survive the framework, each whole and in order',
    async ({ request, register }) => {
      const email = freshEmail(TAG.extraCookies);
      await register(email);
      const cookie = await request('POST', '/auth/cookie/login', {
        form: { username: email, password: PASSWORD },
      });
      expect(cookie.status).toBe(204);
      const cookies = cookie.headers.getSetCookie();
      expect(cookies).toHaveLength(3);
      expect(cookies[0]).toMatch(AUTH_COOKIE);
      expect(cookies.slice(1)).toEqual(EXTRA_COOKIES);
      const bearer = await request('POST', '/auth/jwt/login', {
        form: { username: email, password: PASSWORD },
      });
      expect(bearer.status).toBe(200);
      expect(bearer.headers.getSetCookie()).toEqual(EXTRA_COOKIES);
      expect(await bearer.json()).toMatchObject({ token_type: 'bearer' });
    },
  ),
  defineCase(
    'HTTP-ROUTE-003',
    'a path below a Portcullis prefix that no route owns passes through to the app',
    async ({ appRequest }) => {
      const response = await appRequest('GET', '/auth/app-route');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ route: 'app' });
    },
  ),
  defineCase(
    'HTTP-GUARD-001',
    "a guarded app route gets the adapter's user from a bearer token or the auth cookie",
    async ({ request, appRequest, register, bearer }) => {
      const email = freshEmail();
      const user = await register(email);
      const withToken = await appRequest('GET', '/app/me', { headers: auth(await bearer(email)) });
      expect(withToken.status).toBe(200);
      expect(await withToken.json()).toEqual(user);
      const login = await request('POST', '/auth/cookie/login', {
        form: { username: email, password: PASSWORD },
      });
      const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
      const withCookie = await appRequest('GET', '/app/me', { headers: { cookie } });
      expect(withCookie.status).toBe(200);
      expect(await withCookie.json()).toEqual(user);
    },
  ),
  defineCase(
    'HTTP-GUARD-002',
    'the guard answers 401 for no user, a bad token or a deactivated user, before the app runs',
    async ({ request, appRequest, register, bearer, superToken }) => {
      for (const headers of [{}, auth('not-a-token'), { cookie: 'fastapiusersauth=nope' }]) {
        const response = await appRequest('GET', '/app/me', { headers });
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ detail: 'Unauthorized' });
      }
      const email = freshEmail('percival');
      const user = await register(email);
      const token = await bearer(email);
      expect((await appRequest('GET', '/app/me', { headers: auth(token) })).status).toBe(200);
      const deactivate = await request('PATCH', `/users/${user.id}`, {
        headers: auth(await superToken()),
        json: { is_active: false },
      });
      expect(deactivate.status).toBe(200);
      const inactive = await appRequest('GET', '/app/me', { headers: auth(token) });
      expect(inactive.status).toBe(401);
      expect(await inactive.json()).toEqual({ detail: 'Unauthorized' });
    },
  ),
  defineCase(
    'HTTP-GUARD-003',
    "the guard's requirements hold: 403 for a non-superuser, 200 with the superuser",
    async ({ appRequest, register, bearer, superToken }) => {
      const email = freshEmail();
      await register(email);
      const forbidden = await appRequest('GET', '/app/admin', {
        headers: auth(await bearer(email)),
      });
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toEqual({ detail: 'Forbidden' });
      const allowed = await appRequest('GET', '/app/admin', { headers: auth(await superToken()) });
      expect(allowed.status).toBe(200);
      expect(await allowed.json()).toMatchObject({ is_superuser: true });
    },
  ),
  defineCase(
    'HTTP-GUARD-004',
    'a store outage answers 503 with Retry-After, from the guard and from Portcullis routes',
    async ({ request, appRequest, register, bearer }) => {
      const email = freshEmail(TAG.outage);
      await register(email);
      const headers = auth(await bearer(email));
      for (const response of [
        await appRequest('GET', '/app/me', { headers }),
        await request('GET', '/users/me', { headers }),
      ]) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(await response.json()).toEqual({ detail: 'SERVICE_UNAVAILABLE' });
      }
    },
  ),
  defineCase(
    'HTTP-ERROR-001',
    "an error thrown by a hook reaches the app's error handler",
    async ({ request }) => {
      const response = await request('POST', '/auth/register', {
        json: { email: freshEmail(TAG.hookError), password: PASSWORD },
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual(APP_ERROR_BODY);
    },
  ),
];
