import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  type UserStore,
} from '@portcullis/core';
import { afterAll, describe, expect, test } from 'vitest';
import { createMemoryUserStore } from '../../core/test/memory-store';
import { createRedisRevocationStore, createRedisStrategy } from '../src/index';
import { cleanup, client, runPrefix } from './helpers';

const prefix = runPrefix();
afterAll(() => cleanup(prefix));

const SECRET = 'two-instances-secret-two-instances-secret';
const PASSWORD = 'guinevere';

/**
 * One app instance as a deployment runs it: its own Redis connection, the shared user database
 * and Redis. Cookie sessions on the Redis strategy; bearer JWTs revocable through Redis.
 */
function instance(users: UserStore) {
  const redis = client();
  const portcullis = createPortcullis({
    userManager: {
      users,
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
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
          revocation: createRedisRevocationStore({ redis, keyPrefix: `${prefix}revoked:` }),
        }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: 3600 }),
        strategy: createRedisStrategy({ redis, lifetimeSeconds: 3600, keyPrefix: `${prefix}tok:` }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/users', portcullis.usersRouter()],
  ]);
  const call = (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ) => handler.fetch(new Request(`http://app.test${path}`, { method, headers, body }));
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const credentials = (email: string) =>
    new URLSearchParams({ username: email, password: PASSWORD }).toString();
  return {
    portcullis,
    call,
    async cookieLogin(email: string): Promise<string> {
      const response = await call('POST', '/auth/cookie/login', form, credentials(email));
      expect(response.status).toBe(204);
      return (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
    },
    async bearerLogin(email: string): Promise<string> {
      const response = await call('POST', '/auth/jwt/login', form, credentials(email));
      expect(response.status).toBe(200);
      const { access_token } = (await response.json()) as { access_token: string };
      return `Bearer ${access_token}`;
    },
    meWithCookie: (cookie: string) => call('GET', '/users/me', { cookie }),
    meWithBearer: (authorization: string) => call('GET', '/users/me', { authorization }),
  };
}

async function twoInstances() {
  const users = createMemoryUserStore();
  const a = instance(users);
  const b = instance(users);
  const user = await a.portcullis.userManager.create({
    email: `arthur.${Date.now()}@camelot.bt`,
    password: PASSWORD,
  });
  return { a, b, user };
}

describe('two app instances sharing one Redis', () => {
  test('a cookie session works on both instances; logout on either ends it', async () => {
    const { a, b, user } = await twoInstances();
    const cookie = await a.cookieLogin(user.email);
    expect((await b.meWithCookie(cookie)).status).toBe(200);
    expect((await b.call('POST', '/auth/cookie/logout', { cookie })).status).toBe(204);
    expect((await a.meWithCookie(cookie)).status).toBe(401);
    expect((await b.meWithCookie(cookie)).status).toBe(401);
  });

  test('log out everywhere on one instance ends every cookie and JWT session on both', async () => {
    const { a, b, user } = await twoInstances();
    const cookies = [await a.cookieLogin(user.email), await b.cookieLogin(user.email)];
    const bearers = [await a.bearerLogin(user.email), await b.bearerLogin(user.email)];
    for (const cookie of cookies) expect((await b.meWithCookie(cookie)).status).toBe(200);
    const result = await b.portcullis.revokeAllForUser(user);
    expect(result).toEqual({ revoked: ['jwt', 'cookie'], unsupported: [] });
    for (const app of [a, b]) {
      for (const cookie of cookies) expect((await app.meWithCookie(cookie)).status).toBe(401);
      for (const bearer of bearers) expect((await app.meWithBearer(bearer)).status).toBe(401);
    }
    // A fresh login right after works on both.
    const cookie = await a.cookieLogin(user.email);
    const bearer = await a.bearerLogin(user.email);
    expect((await b.meWithCookie(cookie)).status).toBe(200);
    expect((await b.meWithBearer(bearer)).status).toBe(200);
  });

  test('JWT logout on one instance is refused by the other immediately', async () => {
    const { a, b, user } = await twoInstances();
    const bearer = await a.bearerLogin(user.email);
    const other = await a.bearerLogin(user.email);
    expect((await b.meWithBearer(bearer)).status).toBe(200);
    const logout = await b.call('POST', '/auth/jwt/logout', { authorization: bearer });
    expect(logout.status).toBe(204);
    expect((await a.meWithBearer(bearer)).status).toBe(401);
    expect((await a.meWithBearer(other)).status).toBe(200);
  });
});
