import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type {
  PortcullisDatabase,
  SqliteConnectionOptions,
  SqlMigrationOptions,
} from '../src/index';
import { migrateToLatest, openSqlite } from '../src/index';

/** A scratch folder per test file; every connection opened through it is closed on cleanup. */
export interface TestFiles {
  dir: string;
  /** A new connection (its own better-sqlite3 Database) to a file in the folder. */
  open(name?: string, options?: SqliteConnectionOptions): Kysely<PortcullisDatabase>;
  /** A new connection to a fresh migrated database file. */
  migrated(
    options?: SqlMigrationOptions,
  ): Promise<{ path: string; db: Kysely<PortcullisDatabase> }>;
  cleanup(): Promise<void>;
}

export async function createTestFiles(): Promise<TestFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-sql-'));
  const opened: Kysely<PortcullisDatabase>[] = [];
  let counter = 0;
  const open = (name = 'app.db', options: SqliteConnectionOptions = {}) => {
    const db = openSqlite<PortcullisDatabase>(join(dir, name), options);
    opened.push(db);
    return db;
  };
  return {
    dir,
    open,
    async migrated(options = {}) {
      counter += 1;
      const path = `db-${counter}.db`;
      const db = open(path);
      await migrateToLatest(db, options);
      return { path, db };
    },
    async cleanup() {
      await Promise.all(opened.map((db) => db.destroy()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A password hash as stored by FastAPI Users (argon2id, its default parameters). */
export const HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
