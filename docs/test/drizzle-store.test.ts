// The guide's worked example (guides/writing-a-store.md includes these files): a store written
// with drizzle-orm passes the conformance kit, on a real SQLite database.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeSuite } from '@portcullis/testing';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { createTables } from '../examples/drizzle-store/schema';
import { createDrizzleStores } from '../examples/drizzle-store/stores';
import { docsRoot } from '../scripts/packages';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-drizzle-'));
const sqlite = new Database(join(dir, 'app.db'));
afterAll(() => {
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

// #region suite
storeSuite({
  name: 'drizzle-orm on SQLite',
  async create() {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON'); // the cascades of user deletes
    sqlite.exec(createTables);
    return createDrizzleStores(drizzle(sqlite));
  },
  skip: {
    'STORE-EMAIL-002': 'SQLite lower() folds ASCII letters only',
    'STORE-EMAIL-004': 'SQLite lower() folds ASCII letters only',
  },
});
// #endregion suite

test('the guide shows these files by including them, not by copies that could drift', () => {
  const guide = readFileSync(join(docsRoot, 'guides/writing-a-store.md'), 'utf8');
  for (const include of [
    '<<< @/examples/drizzle-store/schema.ts',
    '<<< @/examples/drizzle-store/stores.ts',
    '<<< @/test/drizzle-store.test.ts#suite',
  ]) {
    expect(guide).toContain(include);
  }
  expect(guide).not.toContain('export function createDrizzleStores');
});
