import { expect } from 'vitest';
import { auth, defineCase, PASSWORD } from './http-case';
import { AUTH_COOKIE } from './http-cases-login';
import { freshEmail } from './http-client';

/** The routers mounted below a prefix of the app (`/api`) with the framework's own mechanism. */
export const mountCases = [
  defineCase(
    'HTTP-MOUNT-001',
    'below the prefix, register, both logins, /users/me and the app guard all work',
    async ({ request, appRequest, register, bearer }) => {
      const email = freshEmail();
      const user = await register(email);
      const token = await bearer(email);
      const me = await request('GET', '/users/me', { headers: auth(token) });
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual(user);
      const login = await request('POST', '/auth/cookie/login', {
        form: { username: email, password: PASSWORD },
      });
      expect(login.status).toBe(204);
      const [cookie] = login.headers.getSetCookie();
      expect(cookie).toMatch(AUTH_COOKIE);
      const guarded = await appRequest('GET', '/app/me', {
        headers: { cookie: (cookie ?? '').split(';')[0] as string },
      });
      expect(guarded.status).toBe(200);
      expect(await guarded.json()).toEqual(user);
    },
  ),
  defineCase(
    'HTTP-MOUNT-002',
    'under a prefix, the bare paths belong to the app (404) and a wrong method still gets 405',
    async ({ request, appRequest }) => {
      const bare = await appRequest('POST', '/auth/register', {
        json: { email: freshEmail(), password: PASSWORD },
      });
      expect(bare.status).toBe(404);
      expect(await bare.json()).toEqual({ detail: 'Not Found' });
      const wrong = await request('GET', '/auth/register');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST');
    },
  ),
];
