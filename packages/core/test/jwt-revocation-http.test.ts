import { describe, expect, test } from 'vitest';
import { createAuthBackend } from '../src/auth/backend';
import { createBearerTransport } from '../src/auth/bearer-transport';
import { createJwtStrategy } from '../src/auth/jwt-strategy';
import { createPortcullis } from '../src/portcullis';
import { fastHasher, SECRET } from './app';
import { createMemoryRevocationStore } from './memory-revocation-store';
import { createMemoryUserStore } from './memory-store';

function createApp() {
  const users = createMemoryUserStore();
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
        strategy: createJwtStrategy({
          secret: SECRET,
          lifetimeSeconds: 3600,
          revocation: createMemoryRevocationStore(),
        }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth', portcullis.registerRouter()],
    ['/users', portcullis.usersRouter()],
  ]);
  const call = (method: string, path: string, init: RequestInit = {}) =>
    handler.fetch(new Request(`http://app.test${path}`, { method, ...init }));
  const login = async (email: string): Promise<string> => {
    const response = await call('POST', '/auth/jwt/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: email, password: 'guinevere' }).toString(),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const me = (token: string) => call('GET', '/users/me', { headers: auth(token) });
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  return { portcullis, call, login, me, auth };
}

describe('HTTP: JWT logout with a revocation store', () => {
  test('POST /auth/jwt/logout ends the JWT session; another login is unaffected', async () => {
    const app = createApp();
    const register = await app.call('POST', '/auth/register', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'arthur@camelot.bt', password: 'guinevere' }),
    });
    expect(register.status).toBe(201);
    const token = await app.login('arthur@camelot.bt');
    const other = await app.login('arthur@camelot.bt');
    expect((await app.me(token)).status).toBe(200);
    const logout = await app.call('POST', '/auth/jwt/logout', { headers: app.auth(token) });
    expect(logout.status).toBe(204);
    expect((await app.me(token)).status).toBe(401);
    expect((await app.call('POST', '/auth/jwt/logout', { headers: app.auth(token) })).status).toBe(
      401,
    );
    expect((await app.me(other)).status).toBe(200);
  });

  test('revokeAllForUser ends every JWT session; signing back in works at once', async () => {
    const app = createApp();
    const user = await app.portcullis.userManager.create({
      email: 'lancelot@camelot.bt',
      password: 'guinevere',
    });
    const tokens = [await app.login(user.email), await app.login(user.email)];
    await app.portcullis.revokeAllForUser(user);
    for (const token of tokens) expect((await app.me(token)).status).toBe(401);
    expect((await app.me(await app.login(user.email))).status).toBe(200);
  });
});
