import { rateLimitStoreSuite } from '@portcullis/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createSqlRateLimitStore,
  migrateToLatest,
  planMigrations,
  RATE_LIMIT_TABLE,
} from '../src/index';
import { createTestDatabase, DIALECTS, ownTableNames, type TestDatabase } from './databases';

describe.each(DIALECTS)('SQL rate-limit store on %s', (dialect) => {
  let database: TestDatabase;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.open() as unknown as Kysely<unknown>;
    await migrateToLatest(db);
  });
  afterAll(() => database.drop());

  rateLimitStoreSuite({ name: dialect, create: async () => createSqlRateLimitStore(db) });

  test('migration 0007 creates the table; a second run has nothing to do', async () => {
    const tables = await ownTableNames(db, dialect);
    expect(tables).toContain(RATE_LIMIT_TABLE);
    expect((await planMigrations(db)).pending).toEqual([]);
  });

  test('purgeExpired removes rows that no longer count', async () => {
    const store = createSqlRateLimitStore(db, { purgeIntervalSeconds: 0 });
    await store.hit('addr:{purge}', 1, Date.now() - 10_000);
    expect(await store.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect((await store.hit('addr:{purge}', 60_000, Date.now())).count).toBe(1);
  });
});
