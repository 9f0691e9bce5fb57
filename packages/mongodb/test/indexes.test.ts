import { defineUserFields, ErrorCode } from '@portcullis/core';
import { describe, expect, test } from 'vitest';
import {
  createMongoAccessTokenStore,
  createMongoUserStore,
  EMAIL_INDEX,
  ensureIndexes,
} from '../src/index';
import { HASH } from './helpers';
import { MemoryDb } from './memory-db';

describe('ensureIndexes', () => {
  test('creates the case-insensitive unique email, OAuth, token and TTL indexes', async () => {
    const memory = new MemoryDb();
    await ensureIndexes(memory.asDb(), { accessTokenLifetimeSeconds: 3600, revocation: true });
    expect(memory.collection('User').indexList).toEqual(
      expect.arrayContaining([
        {
          name: EMAIL_INDEX,
          key: { email: 1 },
          unique: true,
          collation: { locale: 'en', strength: 2 },
        },
        {
          name: 'oauth_account_index',
          key: { 'oauth_accounts.oauth_name': 1, 'oauth_accounts.account_id': 1 },
        },
      ]),
    );
    expect(memory.collection('AccessToken').indexList).toEqual(
      expect.arrayContaining([
        { name: 'token_1', key: { token: 1 }, unique: true },
        { name: 'user_id_1', key: { user_id: 1 } },
        { name: 'created_at_ttl', key: { created_at: 1 }, expireAfterSeconds: 3600 },
      ]),
    );
    expect(memory.collection('JwtRevocation').indexList).toContainEqual({
      name: 'expires_at_ttl',
      key: { expires_at: 1 },
      expireAfterSeconds: 0,
    });
  });

  test('is idempotent, and applies a changed token lifetime in place', async () => {
    const memory = new MemoryDb();
    await ensureIndexes(memory.asDb(), { accessTokenLifetimeSeconds: 3600 });
    await ensureIndexes(memory.asDb(), { accessTokenLifetimeSeconds: 3600 });
    await ensureIndexes(memory.asDb(), { accessTokenLifetimeSeconds: 600 });
    const ttl = memory
      .collection('AccessToken')
      .indexList.filter((i) => i.name === 'created_at_ttl');
    expect(ttl).toEqual([
      { name: 'created_at_ttl', key: { created_at: 1 }, expireAfterSeconds: 600 },
    ]);
  });

  test('adds no TTL index without a lifetime, nor revocation indexes unless asked', async () => {
    const memory = new MemoryDb();
    await ensureIndexes(memory.asDb());
    const names = memory.collection('AccessToken').indexList.map((i) => i.name);
    expect(names).not.toContain('created_at_ttl');
    expect(memory.collection('JwtRevocation').indexList.map((i) => i.name)).toEqual(['_id_']);
  });

  test('honours renamed collections', async () => {
    const memory = new MemoryDb();
    const collections = { users: 'accounts', accessTokens: 'sessions', revocations: 'revoked' };
    await ensureIndexes(memory.asDb(), { collections, revocation: true });
    expect(memory.collection('accounts').indexList.map((i) => i.name)).toContain(EMAIL_INDEX);
    expect(memory.collection('sessions').indexList.map((i) => i.name)).toContain('token_1');
    expect(memory.collection('revoked').indexList.map((i) => i.name)).toContain('expires_at_ttl');
    const users = createMongoUserStore(memory.asDb(), { collections });
    await users.create({ email: 'arthur@camelot.bt', hashed_password: HASH });
    expect(memory.collection('accounts').documents).toHaveLength(1);
  });

  test('the TTL index removes tokens older than the lifetime (simulated pass)', async () => {
    const memory = new MemoryDb();
    await ensureIndexes(memory.asDb(), { accessTokenLifetimeSeconds: 60 });
    const users = createMongoUserStore(memory.asDb());
    const tokens = createMongoAccessTokenStore(memory.asDb());
    const user = await users.create({ email: 'arthur@camelot.bt', hashed_password: HASH });
    await tokens.create({ token: 'fresh', user_id: user.id });
    expect(memory.collection('AccessToken').expire(new Date(Date.now() + 59_000))).toBe(0);
    expect(memory.collection('AccessToken').expire(new Date(Date.now() + 61_000))).toBe(1);
    expect(await tokens.getByToken('fresh')).toBeNull();
  });

  test('refuses bad options with a configuration error', async () => {
    const db = new MemoryDb().asDb();
    for (const accessTokenLifetimeSeconds of [0, -5, 1.5, Number.NaN]) {
      await expect(ensureIndexes(db, { accessTokenLifetimeSeconds })).rejects.toMatchObject({
        code: ErrorCode.CONFIGURATION,
      });
    }
    for (const users of ['', 'a$b', 'system.users']) {
      expect(() => createMongoUserStore(db, { collections: { users } })).toThrow(/collection name/);
    }
    expect(() => createMongoUserStore(db, { idType: 'int' as never })).toThrow(/idType/);
    // defineUserFields refuses such names already; the store checks again what it is given.
    for (const name of ['a.b', '$where', 'email']) {
      const userFields = { ...defineUserFields({}), names: [name] };
      expect(() => createMongoUserStore(db, { userFields })).toThrow(/userFields/);
    }
  });
});
