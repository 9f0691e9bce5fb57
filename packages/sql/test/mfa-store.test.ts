import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createSqlMfaStore,
  createSqlUserStore,
  MFA_TABLES,
  migrateToLatest,
  planMigrations,
} from '../src/index';
import {
  createTestDatabase,
  DIALECTS,
  ownTableNames,
  shippedMigrator,
  type TestDatabase,
} from './databases';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2g';

// The MFA store's behaviour is the store suite's STORE-MFA cases (store-suite.test.ts); here,
// what only SQL has: the migration and the cascade on user delete.
describe.each(DIALECTS)('SQL MFA store on %s', (dialect) => {
  let database: TestDatabase;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.open() as unknown as Kysely<unknown>;
    await migrateToLatest(db);
  });
  afterAll(() => database.drop());

  test('migration 0009_mfa creates the three tables; a second run has nothing to do', async () => {
    const tables = await ownTableNames(db, dialect);
    for (const table of Object.values(MFA_TABLES)) expect(tables).toContain(table);
    expect((await planMigrations(db)).pending).toEqual([]);
  });

  test('deleting a user deletes its factor and recovery codes', async () => {
    const users = createSqlUserStore(db);
    const mfa = createSqlMfaStore(db);
    const user = await users.create({
      email: `gone.${Date.now()}@camelot.bt`,
      hashed_password: HASH,
    });
    await mfa.setPendingSecret(user.id, 'v1.secret');
    expect(
      await mfa.enable(user.id, 'v1.secret', {
        recoveryCodeDigests: ['a'.repeat(64), 'b'.repeat(64)],
        lastStep: 1,
        at: new Date(),
      }),
    ).toBe(true);
    await users.delete(user);
    expect(await mfa.get(user.id)).toBeNull();
    const left = await db
      .selectFrom(MFA_TABLES.recoveryCode as never)
      .selectAll()
      .execute();
    expect(left).toEqual([]);
  });

  test('migrating down past 0009 drops the tables, and up again restores them', async () => {
    const down = await (await shippedMigrator(db, dialect)).migrateTo('0007_create_rate_limit');
    expect(down.error).toBeUndefined();
    const tables = await ownTableNames(db, dialect);
    for (const table of Object.values(MFA_TABLES)) expect(tables).not.toContain(table);
    await migrateToLatest(db);
    const again = await ownTableNames(db, dialect);
    for (const table of Object.values(MFA_TABLES)) expect(again).toContain(table);
  });
});
