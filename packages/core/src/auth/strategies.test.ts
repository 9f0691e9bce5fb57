import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, test } from 'vitest';
import { createMemoryUserStore } from '../../test/memory-store';
import { createJwtCodec } from '../jwt';
import { UserManager } from '../manager';
import type { AccessTokenRecord, AccessTokenStore } from '../types';
import { createDatabaseStrategy } from './database-strategy';
import { createJwtStrategy } from './jwt-strategy';

const SECRET = 'strategies-test-secret-strategies-test';

async function setup() {
  const users = createMemoryUserStore();
  const manager = new UserManager({
    users,
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
  });
  const user = await users.create({ email: 'arthur@camelot.bt', hashed_password: 'x' });
  return { users, manager, user };
}

describe('JWT strategy', () => {
  const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 });
  const codec = createJwtCodec({ secret: SECRET });

  test('writes sub = user id, aud = ["portcullis:auth"] and exp = now + lifetime', async () => {
    const { user } = await setup();
    const token = await strategy.writeToken(user);
    const now = Math.floor(Date.now() / 1000);
    const claims = decodeJwt(token);
    expect(Object.keys(claims)).toEqual(['sub', 'aud', 'exp']);
    expect(claims.sub).toBe(String(user.id));
    expect(claims.aud).toEqual(['portcullis:auth']);
    expect(claims.exp).toBeGreaterThanOrEqual(now + 3599);
    expect(claims.exp).toBeLessThanOrEqual(now + 3601);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  test('reads its own token back as the user', async () => {
    const { manager, user } = await setup();
    const token = await strategy.writeToken(user);
    expect(await strategy.readToken(token, manager)).toMatchObject({ id: user.id });
  });

  test('writes and accepts a configured audience list', async () => {
    const { manager, user } = await setup();
    const custom = createJwtStrategy({
      secret: SECRET,
      lifetimeSeconds: 60,
      audience: ['fastapi-users:auth'],
    });
    const token = await custom.writeToken(user);
    expect(decodeJwt(token).aud).toEqual(['fastapi-users:auth']);
    expect(await custom.readToken(token, manager)).toMatchObject({ id: user.id });
    expect(await strategy.readToken(token, manager)).toBeNull();
  });

  test('rejects an expired token', async () => {
    const { manager, user } = await setup();
    const claims = { sub: String(user.id), aud: ['portcullis:auth'] };
    expect(await strategy.readToken(await codec.sign(claims, -1), manager)).toBeNull();
    // Control: the same claims, not expired, are accepted.
    expect(await strategy.readToken(await codec.sign(claims, 60), manager)).not.toBeNull();
  });

  test('rejects a token of a foreign audience or without one', async () => {
    const { manager, user } = await setup();
    const sub = String(user.id);
    const foreign = await codec.sign({ sub, aud: ['fastapi-users:auth'] }, 60);
    const reset = await codec.sign({ sub, aud: 'portcullis:reset' }, 60);
    const none = await codec.sign({ sub }, 60);
    for (const token of [foreign, reset, none]) {
      expect(await strategy.readToken(token, manager)).toBeNull();
    }
  });

  test('rejects a tampered token and one signed with another secret', async () => {
    const { manager, user, users } = await setup();
    const other = await users.create({ email: 'mordred@camelot.bt', hashed_password: 'x' });
    const token = await strategy.writeToken(user);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: String(other.id) }));
    const forged = `${header}.${payload.toString('base64url')}.${signature}`;
    expect(await strategy.readToken(forged, manager)).toBeNull();
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await strategy.readToken(flipped, manager)).toBeNull();
    const foreignKey = createJwtStrategy({ secret: `${SECRET}!`, lifetimeSeconds: 60 });
    expect(await strategy.readToken(await foreignKey.writeToken(user), manager)).toBeNull();
    expect(await strategy.readToken('not.a.jwt', manager)).toBeNull();
  });

  test('an unknown user or a non-UUID sub is no user', async () => {
    const { manager, user, users } = await setup();
    const token = await strategy.writeToken(user);
    const aud = ['portcullis:auth'];
    const unknown = await codec.sign({ sub: crypto.randomUUID(), aud }, 60);
    const notUuid = await codec.sign({ sub: 'not-a-uuid', aud }, 60);
    const noSub = await codec.sign({ aud }, 60);
    for (const bad of [unknown, notUuid, noSub]) {
      expect(await strategy.readToken(bad, manager)).toBeNull();
    }
    await users.delete(user);
    expect(await strategy.readToken(token, manager)).toBeNull();
  });

  test('destroyToken is a no-op: the token still reads afterwards', async () => {
    const { manager, user } = await setup();
    const token = await strategy.writeToken(user);
    await expect(strategy.destroyToken(token, user)).resolves.toBeUndefined();
    expect(await strategy.readToken(token, manager)).toMatchObject({ id: user.id });
  });
});

/** An access-token store whose rows the test can write with any `created_at`. */
function createTokenTable(): AccessTokenStore & { rows: Map<string, AccessTokenRecord> } {
  const rows = new Map<string, AccessTokenRecord>();
  return {
    rows,
    async getByToken(token, maxAge) {
      const row = rows.get(token);
      return row && !(maxAge && row.created_at < maxAge) ? { ...row } : null;
    },
    async create(data) {
      const row = { ...data, created_at: new Date() };
      rows.set(data.token, row);
      return { ...row };
    },
    async delete(token) {
      return rows.delete(token);
    },
    async deleteAllForUser() {
      return 0;
    },
  };
}

describe('database strategy', () => {
  const secondsAgo = (s: number): Date => new Date(Date.now() - s * 1000);

  test('writes a 43-character base64url token and stores it for the user', async () => {
    const { user } = await setup();
    const store = createTokenTable();
    const token = await createDatabaseStrategy({ store }).writeToken(user);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.rows.get(token)).toMatchObject({ token, user_id: user.id });
    expect(await createDatabaseStrategy({ store }).writeToken(user)).not.toBe(token);
  });

  test('reads its own token back as the user; an unknown token is no user', async () => {
    const { manager, user } = await setup();
    const strategy = createDatabaseStrategy({ store: createTokenTable(), lifetimeSeconds: 60 });
    const token = await strategy.writeToken(user);
    expect(await strategy.readToken(token, manager)).toMatchObject({ id: user.id });
    expect(await strategy.readToken(`${token.slice(0, -1)}x`, manager)).toBeNull();
  });

  test('refuses a token older than lifetimeSeconds, accepts a younger one', async () => {
    const { manager, user } = await setup();
    const store = createTokenTable();
    store.rows.set('old', { token: 'old', user_id: user.id, created_at: secondsAgo(3700) });
    store.rows.set('young', { token: 'young', user_id: user.id, created_at: secondsAgo(3500) });
    const strategy = createDatabaseStrategy({ store, lifetimeSeconds: 3600 });
    expect(await strategy.readToken('old', manager)).toBeNull();
    expect(await strategy.readToken('young', manager)).toMatchObject({ id: user.id });
    // Without a lifetime, age does not matter.
    const forever = createDatabaseStrategy({ store });
    expect(await forever.readToken('old', manager)).toMatchObject({ id: user.id });
  });

  test('a token of a deleted user or with an unparsable user_id is no user', async () => {
    const { manager, user, users } = await setup();
    const store = createTokenTable();
    store.rows.set('junk', { token: 'junk', user_id: 'not-a-uuid', created_at: new Date() });
    const strategy = createDatabaseStrategy({ store });
    const token = await strategy.writeToken(user);
    expect(await strategy.readToken('junk', manager)).toBeNull();
    await users.delete(user);
    expect(await strategy.readToken(token, manager)).toBeNull();
  });

  test('destroyToken deletes the token', async () => {
    const { manager, user } = await setup();
    const store = createTokenTable();
    const strategy = createDatabaseStrategy({ store });
    const token = await strategy.writeToken(user);
    const other = await strategy.writeToken(user);
    await strategy.destroyToken(token, user);
    expect(store.rows.has(token)).toBe(false);
    expect(await strategy.readToken(token, manager)).toBeNull();
    expect(await strategy.readToken(other, manager)).toMatchObject({ id: user.id });
  });
});
