import { describe, expect, test } from 'vitest';
import { createMemoryRevocationStore } from '../../test/memory-revocation-store';
import { createMemoryAccessTokenStore, createMemoryUserStore } from '../../test/memory-store';
import { UserManager } from '../manager';
import { createAuthBackend } from './backend';
import { createBearerTransport } from './bearer-transport';
import { createCookieTransport } from './cookie-transport';
import { createDatabaseStrategy } from './database-strategy';
import { createJwtStrategy } from './jwt-strategy';
import { revokeAllForUser } from './revoke-all';
import type { Strategy } from './strategy';

const SECRET = 'revoke-all-for-user-secret-revoke-all-for';

async function setup() {
  const users = createMemoryUserStore();
  const manager = new UserManager({
    users,
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
  });
  const user = await users.create({ email: 'arthur@camelot.bt', hashed_password: 'x' });
  const other = await users.create({ email: 'mordred@camelot.bt', hashed_password: 'x' });
  return { manager, user, other };
}

const bearer = createBearerTransport({ tokenUrl: 'auth/jwt/login' });
const cookie = createCookieTransport({});

describe('revokeAllForUser', () => {
  test('the database strategy deletes every token of the user and no one else’s', async () => {
    const { manager, user, other } = await setup();
    const strategy = createDatabaseStrategy({ store: createMemoryAccessTokenStore() });
    const mine = [await strategy.writeToken(user), await strategy.writeToken(user)];
    const theirs = await strategy.writeToken(other);
    const backends = [createAuthBackend({ name: 'cookie', transport: cookie, strategy })];
    expect(await revokeAllForUser(backends, user)).toEqual({
      revoked: ['cookie'],
      unsupported: [],
    });
    for (const token of mine) expect(await strategy.readToken(token, manager)).toBeNull();
    expect(await strategy.readToken(theirs, manager)).toMatchObject({ id: other.id });
  });

  test('a stateless JWT backend is reported as unsupported, its tokens still valid', async () => {
    const { manager, user } = await setup();
    const jwt = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60 });
    const database = createDatabaseStrategy({ store: createMemoryAccessTokenStore() });
    const token = await jwt.writeToken(user);
    const session = await database.writeToken(user);
    const result = await revokeAllForUser(
      [
        createAuthBackend({ name: 'jwt', transport: bearer, strategy: jwt }),
        createAuthBackend({ name: 'cookie', transport: cookie, strategy: database }),
      ],
      user,
    );
    expect(result).toEqual({ revoked: ['cookie'], unsupported: ['jwt'] });
    expect(await jwt.readToken(token, manager)).toMatchObject({ id: user.id });
    expect(await database.readToken(session, manager)).toBeNull();
  });

  test('a revocable JWT backend logs out everywhere too', async () => {
    const { manager, user } = await setup();
    const revocation = createMemoryRevocationStore();
    const jwt = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation });
    const token = await jwt.writeToken(user);
    const backends = [createAuthBackend({ name: 'jwt', transport: bearer, strategy: jwt })];
    expect(await revokeAllForUser(backends, user)).toEqual({
      revoked: ['jwt'],
      unsupported: [],
    });
    expect(await jwt.readToken(token, manager)).toBeNull();
  });

  test('a strategy shared by two backends runs once', async () => {
    const { user } = await setup();
    let calls = 0;
    const strategy: Strategy = {
      readToken: async () => null,
      writeToken: async () => 'token',
      destroyToken: async () => undefined,
      revokeAllForUser: async () => {
        calls += 1;
      },
    };
    const backends = [
      createAuthBackend({ name: 'bearer', transport: bearer, strategy }),
      createAuthBackend({ name: 'cookie', transport: cookie, strategy }),
    ];
    expect((await revokeAllForUser(backends, user)).revoked).toEqual(['bearer', 'cookie']);
    expect(calls).toBe(1);
  });

  test('a failing strategy rejects the call', async () => {
    const { user } = await setup();
    const strategy: Strategy = {
      readToken: async () => null,
      writeToken: async () => 'token',
      destroyToken: async () => undefined,
      revokeAllForUser: () => Promise.reject(new Error('store down')),
    };
    const backends = [createAuthBackend({ name: 'cookie', transport: cookie, strategy })];
    await expect(revokeAllForUser(backends, user)).rejects.toThrow('store down');
  });
});
