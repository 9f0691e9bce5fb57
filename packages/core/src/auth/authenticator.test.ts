import { describe, expect, test } from 'vitest';
import { createMemoryAccessTokenStore, createMemoryUserStore } from '../../test/memory-store';
import { UserManager } from '../manager';
import type { User, UserCreateData } from '../types';
import { type CurrentUserOptions, resolveCurrentUser } from './authenticator';
import { createAuthBackend } from './backend';
import { createBearerTransport } from './bearer-transport';
import { createCookieTransport } from './cookie-transport';
import { createDatabaseStrategy } from './database-strategy';
import { createJwtStrategy } from './jwt-strategy';

const SECRET = 'authenticator-test-secret-authenticator';

function setup() {
  const users = createMemoryUserStore();
  const manager = new UserManager({
    users,
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
  });
  const jwt = createAuthBackend({
    name: 'jwt',
    transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
    strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
  });
  const cookie = createAuthBackend({
    name: 'cookie',
    transport: createCookieTransport(),
    strategy: createDatabaseStrategy({
      store: createMemoryAccessTokenStore(),
      lifetimeSeconds: 3600,
    }),
  });
  const backends = [jwt, cookie];
  let n = 0;
  const user = (flags: Partial<UserCreateData> = {}): Promise<User> =>
    users.create({ email: `user${++n}@example.com`, hashed_password: 'x', ...flags });
  /** Headers carrying a bearer token for `viaJwt` and an auth cookie for `viaCookie`. */
  async function headers(viaJwt?: User | string, viaCookie?: User | string) {
    const token = async (backend: typeof jwt, value: User | string | undefined) =>
      typeof value === 'object' ? backend.strategy.writeToken(value) : value;
    const bearer = await token(jwt, viaJwt);
    const cookieToken = await token(cookie, viaCookie);
    return {
      authorization: bearer === undefined ? null : `Bearer ${bearer}`,
      cookie: cookieToken === undefined ? null : `fastapiusersauth=${cookieToken}`,
    };
  }
  const resolve = async (
    h: { authorization: string | null; cookie: string | null },
    options: CurrentUserOptions = {},
  ) => resolveCurrentUser(backends, manager, h, options);
  return { jwt, cookie, user, headers, resolve };
}

describe('resolveCurrentUser', () => {
  test('the first backend in order wins when both carry a valid token', async () => {
    const { jwt, user, headers, resolve } = setup();
    const alice = await user();
    const bob = await user();
    const result = await resolve(await headers(alice, bob));
    expect(result).toMatchObject({ ok: true, user: { id: alice.id }, backend: jwt });
  });

  test('an invalid token on the first backend falls through to the second', async () => {
    const { cookie, user, headers, resolve } = setup();
    const bob = await user();
    const h = await headers('not-a-jwt', bob);
    const result = await resolve(h);
    expect(result).toMatchObject({ ok: true, user: { id: bob.id }, backend: cookie });
    expect(result.ok && result.token).toBe(h.cookie?.slice('fastapiusersauth='.length));
  });

  test('no credentials, or only invalid ones, is 401', async () => {
    const { headers, resolve } = setup();
    expect(await resolve(await headers())).toEqual({ ok: false, status: 401 });
    expect(await resolve(await headers('bad', 'bad'))).toEqual({ ok: false, status: 401 });
  });

  test('an inactive user is 401 when active is required, and accepted otherwise', async () => {
    const { user, headers, resolve } = setup();
    const h = await headers(await user({ is_active: false }));
    expect(await resolve(h, { active: true })).toEqual({ ok: false, status: 401 });
    expect(await resolve(h)).toMatchObject({ ok: true, user: { is_active: false } });
  });

  test('activity is checked before verification: inactive and unverified is 401', async () => {
    const { user, headers, resolve } = setup();
    const h = await headers(await user({ is_active: false, is_verified: false }));
    expect(await resolve(h, { active: true, verified: true })).toEqual({ ok: false, status: 401 });
  });

  test('an unverified user is 403 when verified is required', async () => {
    const { user, headers, resolve } = setup();
    const h = await headers(await user({ is_verified: false }));
    expect(await resolve(h, { active: true, verified: true })).toEqual({ ok: false, status: 403 });
    const verified = await headers(await user({ is_verified: true }));
    expect(await resolve(verified, { verified: true })).toMatchObject({ ok: true });
  });

  test('a non-superuser is 403 when superuser is required', async () => {
    const { user, headers, resolve } = setup();
    const h = await headers(await user({ is_superuser: false }));
    expect(await resolve(h, { active: true, superuser: true })).toEqual({ ok: false, status: 403 });
    const admin = await headers(await user({ is_superuser: true }));
    expect(await resolve(admin, { superuser: true })).toMatchObject({ ok: true });
  });

  test('optional yields a null user instead of 401 or 403', async () => {
    const { user, headers, resolve } = setup();
    const none = { ok: true, user: null, token: null, backend: null };
    expect(await resolve(await headers(), { optional: true })).toEqual(none);
    const unverified = await headers(await user());
    expect(await resolve(unverified, { optional: true, verified: true })).toEqual(none);
    expect(await resolve(unverified, { optional: true })).toMatchObject({ ok: true });
  });

  test('the backends filter restricts which backends are tried, by name', async () => {
    const { cookie, user, headers, resolve } = setup();
    const alice = await user();
    const bob = await user();
    const both = await headers(alice, bob);
    expect(await resolve(both, { backends: ['cookie'] })).toMatchObject({
      user: { id: bob.id },
      backend: cookie,
    });
    const onlyCookie = await headers(undefined, bob);
    expect(await resolve(onlyCookie, { backends: ['jwt'] })).toEqual({ ok: false, status: 401 });
  });
});
