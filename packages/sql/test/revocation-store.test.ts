import { createTokenId } from '@portcullis/core/adapter';
import { revocationStoreSuite } from '@portcullis/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateToLatest, planMigrations } from '../src/index';
import { createSqlRevocationStore, REVOCATION_TABLES } from '../src/revocation-store';
import { createTestDatabase, DIALECTS, ownTableNames, type TestDatabase } from './databases';

describe.each(DIALECTS)('SQL revocation store on %s', (dialect) => {
  let database: TestDatabase;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.open() as unknown as Kysely<unknown>;
    await migrateToLatest(db);
  });
  afterAll(() => database.drop());

  test('migration 0005 creates the two tables; a second run has nothing to do', async () => {
    const tables = await ownTableNames(db, dialect);
    expect(tables).toEqual(
      expect.arrayContaining([REVOCATION_TABLES.token, REVOCATION_TABLES.user]),
    );
    expect((await planMigrations(db)).pending).toEqual([]);
  });

  test('expired entries are ignored at once and removed by purgeExpired', async () => {
    const store = createSqlRevocationStore(db, { purgeIntervalSeconds: 0 });
    const jti = createTokenId();
    await store.revoke(jti, new Date(Date.now() + 400));
    await store.revokeAllForUser(`exp-${dialect}`, new Date(), new Date(Date.now() + 400));
    await store.revoke(createTokenId(), null);
    expect(await store.isRevoked(jti)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(await store.isRevoked(jti)).toBe(false);
    expect(await store.revokedBefore(`exp-${dialect}`)).toBeNull();
    expect(await store.purgeExpired()).toBeGreaterThanOrEqual(2);
    expect(await store.purgeExpired()).toBe(0);
  });

  test('writes purge expired entries on their own, at most once per interval', async () => {
    const table = db as Kysely<{ jwt_revocation: { jti: string; expires_at_ms: number } }>;
    const stale = () => createTokenId();
    const rows = async (jti: string) =>
      (await table.selectFrom('jwt_revocation').select('jti').where('jti', '=', jti).execute())
        .length;
    const [kept, purged] = [stale(), stale()];
    const expired = Date.now() - 1000;
    await table
      .insertInto('jwt_revocation')
      .values({ jti: kept, expires_at_ms: expired })
      .execute();
    // Control: with purging off, a write leaves the expired row alone.
    const manual = createSqlRevocationStore(db, { purgeIntervalSeconds: 0 });
    await new Promise((r) => setTimeout(r, 80));
    await manual.revoke(createTokenId(), new Date(Date.now() + 60_000));
    expect(await rows(kept)).toBe(1);
    const auto = createSqlRevocationStore(db, { purgeIntervalSeconds: 0.05 });
    await table
      .insertInto('jwt_revocation')
      .values({ jti: purged, expires_at_ms: expired })
      .execute();
    await new Promise((r) => setTimeout(r, 80));
    await auto.revoke(createTokenId(), new Date(Date.now() + 60_000));
    expect(await rows(purged)).toBe(0);
    expect(await rows(kept)).toBe(0);
  });

  test('a cut-off without expiry stays, even when a later call has one', async () => {
    const store = createSqlRevocationStore(db, { purgeIntervalSeconds: 0 });
    const user = `forever-${dialect}`;
    await store.revokeAllForUser(user, new Date(1_700_000_000_000), null);
    await store.revokeAllForUser(user, new Date(1_700_000_000_500), new Date(Date.now() + 100));
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.revokedBefore(user)).toEqual(new Date(1_700_000_000_500));
  });
});

test('refuses a negative purge interval', async () => {
  const database = await createTestDatabase('sqlite');
  try {
    const db = database.open();
    expect(() => createSqlRevocationStore(db, { purgeIntervalSeconds: -1 })).toThrow(
      /purgeIntervalSeconds/,
    );
  } finally {
    await database.drop();
  }
});

// The shared cases (jti, expiry, cut-offs, logouts across strategy instances) per dialect.
for (const dialect of DIALECTS) {
  let opened: Promise<TestDatabase> | undefined;
  afterAll(async () => (await opened)?.drop());
  revocationStoreSuite({
    name: `SQL on ${dialect}`,
    async create() {
      opened ??= createTestDatabase(dialect).then(async (database) => {
        await migrateToLatest(database.open());
        return database;
      });
      return createSqlRevocationStore((await opened).open());
    },
  });
}
