import { expect, test } from 'vitest';
import { createTestApp } from './app';

test('register, login and read /users/me', async () => {
  const app = createTestApp();
  const reg = await app.request('POST', '/auth/register', { json: { email: 'King.Arthur@Camelot.BT', password: 'guinevere' } });
  expect(reg.status).toBe(201);
  const login = await app.request('POST', '/auth/jwt/login', { form: { username: 'king.arthur@camelot.bt', password: 'guinevere' } });
  expect(login.status).toBe(200);
  const { access_token } = (await login.json()) as { access_token: string };
  const me = await app.request('GET', '/users/me', { headers: { authorization: `Bearer ${access_token}` } });
  expect(await me.json()).toMatchObject({ email: 'King.Arthur@camelot.bt', is_verified: false });
});
