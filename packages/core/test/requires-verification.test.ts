import { describe, expect, test } from 'vitest';
import { createTestApp } from './app';

const PASSWORD = 'guinevere';

describe('requiresVerification on the auth and users routers', () => {
  test('an unverified user cannot log in: 400 LOGIN_USER_NOT_VERIFIED, after the active check', async () => {
    const app = createTestApp({ requiresVerification: true });
    await app.portcullis.userManager.create({ email: 'lake.lady@camelot.bt', password: PASSWORD });
    await app.portcullis.userManager.create({
      email: 'percival@camelot.bt',
      password: PASSWORD,
      is_active: false,
    });
    const unverified = await app.request('POST', '/auth/jwt/login', {
      form: { username: 'lake.lady@camelot.bt', password: PASSWORD },
    });
    expect(unverified.status).toBe(400);
    expect(await unverified.json()).toEqual({ detail: 'LOGIN_USER_NOT_VERIFIED' });
    const inactive = await app.request('POST', '/auth/jwt/login', {
      form: { username: 'percival@camelot.bt', password: PASSWORD },
    });
    expect(await inactive.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' });
  });

  test('a verified user logs in; an unverified one gets 403 on /users/me and on logout', async () => {
    const app = createTestApp({ requiresVerification: true });
    const user = await app.portcullis.userManager.create({
      email: 'arthur@camelot.bt',
      password: PASSWORD,
    });
    const jwt = app.portcullis.backends[0];
    if (!jwt) throw new Error('no backend');
    const token = await jwt.strategy.writeToken(user);
    const me = await app.request('GET', '/users/me', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(403);
    expect(await me.json()).toEqual({ detail: 'Forbidden' });
    const logout = await app.request('POST', '/auth/jwt/logout', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(403);
    await app.portcullis.userManager.update({ is_verified: true }, user);
    const login = await app.request('POST', '/auth/jwt/login', {
      form: { username: 'arthur@camelot.bt', password: PASSWORD },
    });
    expect(login.status).toBe(200);
  });

  test('an inactive and unverified user gets 401, not 403 (active is checked first)', async () => {
    const app = createTestApp({ requiresVerification: true });
    const user = await app.portcullis.userManager.create({
      email: 'gawain@camelot.bt',
      password: PASSWORD,
      is_active: false,
    });
    const token = await app.portcullis.backends[0]?.strategy.writeToken(user);
    const me = await app.request('GET', '/users/me', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(401);
  });
});
