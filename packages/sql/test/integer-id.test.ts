import { ErrorCode } from '@portcullis/core';
import { sessionStoreSuite } from '@portcullis/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import {
  createSqlAccessTokenStore,
  createSqlSessionStore,
  createSqlUserStore,
  migrateToLatest,
} from '../src/index';
import { createTestDatabase, DIALECTS, type TestDatabase } from './databases';
import type { TestFiles } from './helpers';
import { createTestFiles, HASH } from './helpers';

let files: TestFiles;
let db: Kysely<PortcullisDatabase>;
const options = { idType: 'integer' } as const;

beforeAll(async () => {
  files = await createTestFiles();
  ({ db } = await files.migrated(options));
});
afterAll(() => files.cleanup());

describe('integer ids', () => {
  it('hands out database-assigned integer ids', async () => {
    const users = createSqlUserStore(db, options);
    const first = await users.create({ email: 'one@x.io', hashed_password: HASH });
    const second = await users.create({ email: 'two@x.io', hashed_password: HASH });
    expect(Number.isInteger(first.id)).toBe(true);
    expect(second.id).toBe(Number(first.id) + 1);
    expect(await users.get(first.id)).toEqual(first);
    expect(await users.get(String(first.id))).toEqual(first);
  });

  it('never reuses the id of a deleted user', async () => {
    const users = createSqlUserStore(db, options);
    const user = await users.create({ email: 'gone@x.io', hashed_password: HASH });
    await users.delete(user);
    const next = await users.create({ email: 'next@x.io', hashed_password: HASH });
    expect(Number(next.id)).toBeGreaterThan(Number(user.id));
  });

  it('parses ids as strict decimal only', async () => {
    const users = createSqlUserStore(db, options);
    const user = await users.create({ email: 'strict@x.io', hashed_password: HASH });
    expect(users.parseId(String(user.id))).toBe(user.id);
    for (const junk of [
      ` ${user.id} `,
      `+${user.id}`,
      `${user.id}.0`,
      '1_000',
      '1e3',
      '0x10',
      '-1',
      '',
      'abc',
    ]) {
      expect(users.parseId(junk)).toBeNull();
      expect(await users.get(junk)).toBeNull();
    }
    expect(users.parseId('99999999999999999999')).toBeNull();
  });

  it('keeps integer ids on OAuth accounts and access tokens', async () => {
    const users = createSqlUserStore(db, { ...options, withOAuthAccounts: true });
    const tokens = createSqlAccessTokenStore(db, options);
    const user = await users.create({ email: 'linked@x.io', hashed_password: HASH });
    const linked = await users.addOAuthAccount(user, {
      oauth_name: 'github',
      access_token: 'gho_x',
      expires_at: null,
      refresh_token: null,
      account_id: '42',
      account_email: 'linked@x.io',
    });
    const [account] = linked.oauth_accounts as Array<{ id: unknown }>;
    expect(typeof account?.id).toBe('number');
    const record = await tokens.create({ token: 'int-token', user_id: String(user.id) });
    expect(record.user_id).toBe(user.id);
    expect((await tokens.getByToken('int-token'))?.user_id).toBe(user.id);
    await expect(tokens.create({ token: 'bad', user_id: 'x1' })).rejects.toMatchObject({
      code: ErrorCode.USER_NOT_EXISTS,
    });
  });

  it('enforces the case-insensitive unique email too', async () => {
    const users = createSqlUserStore(db, options);
    await users.create({ email: 'dup@x.io', hashed_password: HASH });
    await expect(users.create({ email: 'DUP@x.io', hashed_password: HASH })).rejects.toMatchObject({
      code: ErrorCode.USER_ALREADY_EXISTS,
    });
  });
});

// Sessions of integer-id users, on every dialect: user_id comes back a number.
const integerDatabases: TestDatabase[] = [];
afterAll(() => Promise.all(integerDatabases.map((database) => database.drop())));
for (const dialect of DIALECTS) {
  let users: ReturnType<typeof createSqlUserStore> | undefined;
  let count = 0;
  sessionStoreSuite({
    name: `SQL on ${dialect}, integer ids`,
    async create() {
      const database = await createTestDatabase(dialect);
      integerDatabases.push(database);
      const sessionDb = database.open();
      await migrateToLatest(sessionDb, options);
      users = createSqlUserStore(sessionDb, options);
      return createSqlSessionStore(sessionDb, options);
    },
    async userId() {
      if (users === undefined) throw new Error('the stores were not created');
      count += 1;
      return (await users.create({ email: `int${count}@x.io`, hashed_password: HASH })).id;
    },
  });
}
