import { randomUUID } from 'node:crypto';
import { passkeyStoreSuite } from '@portcullis/testing';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createSqlPasskeyStore,
  createSqlUserStore,
  DEFAULT_MIGRATION_TABLE,
  migrateToLatest,
  PASSKEY_TABLES,
  type PortcullisDatabase,
  planMigrations,
} from '../src/index';
import { createTestDatabase, DIALECTS, ownTableNames, type TestDatabase } from './databases';
import { HASH } from './helpers';

describe.each(DIALECTS)('SQL passkey store on %s', (dialect) => {
  let database: TestDatabase;
  let db: Kysely<PortcullisDatabase>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.open();
    await migrateToLatest(db);
  });
  afterAll(() => database.drop());

  const newUserId = async () =>
    (
      await createSqlUserStore(db).create({
        email: `${randomUUID()}@camelot.bt`,
        hashed_password: HASH,
      })
    ).id;

  passkeyStoreSuite({
    name: dialect,
    create: async () => ({ store: createSqlPasskeyStore(db), newUserId }),
  });

  test('migration 0010 creates both tables; a second run has nothing to do', async () => {
    const tables = await ownTableNames(db, dialect);
    expect(tables).toEqual(
      expect.arrayContaining([PASSKEY_TABLES.passkey, PASSKEY_TABLES.challenge]),
    );
    expect((await planMigrations(db)).pending).toEqual([]);
  });

  test("a user's passkeys are deleted with the user", async () => {
    const store = createSqlPasskeyStore(db);
    const users = createSqlUserStore(db);
    const user = await users.create({ email: `${randomUUID()}@camelot.bt`, hashed_password: HASH });
    await store.create({
      id: randomUUID(),
      user_id: user.id,
      credential_id: `cred-${randomUUID()}`,
      public_key: Uint8Array.of(1, 2, 3),
      counter: 0,
      transports: [],
      name: 'Passkey',
    });
    expect(await store.listForUser(user.id)).toHaveLength(1);
    await users.delete(user);
    expect(await store.listForUser(user.id)).toEqual([]);
  });

  test('keeps a credential id of 1023 bytes (base64url, 1364 characters)', async () => {
    const store = createSqlPasskeyStore(db);
    const credentialId = Buffer.alloc(1023, 7).toString('base64url');
    await store.create({
      id: randomUUID(),
      user_id: await newUserId(),
      credential_id: credentialId,
      public_key: Uint8Array.of(9),
      counter: 4_294_967_295,
      transports: ['usb'],
      name: 'Long id',
    });
    const found = await store.getByCredentialId(credentialId);
    expect(found?.credential_id).toBe(credentialId);
    expect(found?.counter).toBe(4_294_967_295);
  });

  if (dialect === 'sqlite') {
    test('runs a migration numbered before one the database already ran', async () => {
      await sql`delete from ${sql.table(DEFAULT_MIGRATION_TABLE)} where name = '0007_create_rate_limit'`.execute(
        db,
      );
      await sql`drop table rate_limit`.execute(db);
      expect(await migrateToLatest(db)).toEqual(['0007_create_rate_limit']);
      const tables = await ownTableNames(db, dialect);
      expect(tables).toContain('rate_limit');
    });
  }
});
