import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import { Kysely, SqliteDialect } from 'kysely';
import { withStatementCache } from './internal/statement-cache';
import type { PortcullisDatabase } from './schema';

/** The part of a better-sqlite3 `Database` that `configureSqliteConnection` uses. */
export interface SqliteConnectionLike {
  pragma(source: string): unknown;
}

export interface SqliteConnectionOptions {
  /**
   * How long a write waits for another connection's lock before failing with SQLITE_BUSY
   * (which the stores report as SERVICE_UNAVAILABLE), in milliseconds. Default 5000.
   */
  busyTimeout?: number;
}

/**
 * Applies the per-connection settings the stores rely on. SQLite keeps them per connection
 * and the stores cannot reach into the app's driver, so call it on every better-sqlite3
 * `Database` you hand to Kysely yourself (`openSqlite` does):
 * - `busy_timeout`: concurrent writers (a CLI next to the server) wait instead of failing;
 * - `journal_mode = WAL`: readers and the writer do not block each other;
 * - `foreign_keys = ON`: deleting a user cascades to its OAuth accounts and access tokens.
 *   SQLite leaves foreign keys off by default; without this the rows stay behind.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * const database = new Database('./data/app.db');
 * configureSqliteConnection(database);
 * const db = new Kysely<PortcullisDatabase>({ dialect: new SqliteDialect({ database }) });
 * ```
 */
export function configureSqliteConnection(
  database: SqliteConnectionLike,
  options: SqliteConnectionOptions = {},
): void {
  const busyTimeout = resolveBusyTimeout(options);
  // First, so that switching to WAL also waits for a lock held elsewhere.
  database.pragma(`busy_timeout = ${busyTimeout}`);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
}

function resolveBusyTimeout(options: SqliteConnectionOptions): number {
  const busyTimeout = options.busyTimeout ?? 5000;
  if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0) {
    throw new PortcullisError(ErrorCode.CONFIGURATION, 'busyTimeout must be a whole number of ms');
  }
  return busyTimeout;
}

function isMemoryPath(path: string): boolean {
  return path === '' || path === ':memory:';
}

/**
 * A Kysely instance on a SQLite file through better-sqlite3 (install it next to this package;
 * it is loaded on first use only). Creates the file's folder, then applies
 * `configureSqliteConnection`. Opening is lazy: a file that cannot be opened surfaces on the
 * first query, as SERVICE_UNAVAILABLE from the stores. Data statements (`SELECT`, `INSERT`,
 * `UPDATE`, `DELETE`) are prepared once per distinct SQL text and reused (at most 256 kept).
 * Call `db.destroy()` to close it.
 *
 * @example
 * ```ts
 * const db = openSqlite('./data/app.db');
 * await migrateToLatest(db);
 * const users = createSqlUserStore(db);
 * // at shutdown
 * await db.destroy();
 * ```
 */
export function openSqlite<DB = PortcullisDatabase>(
  path: string,
  options: SqliteConnectionOptions = {},
): Kysely<DB> {
  resolveBusyTimeout(options);
  return new Kysely<DB>({
    dialect: new SqliteDialect({
      database: async () => {
        if (!isMemoryPath(path)) await mkdir(dirname(resolve(path)), { recursive: true });
        const { default: Database } = await import('better-sqlite3');
        const database = new Database(path);
        try {
          configureSqliteConnection(database, options);
        } catch (error) {
          database.close();
          throw error;
        }
        return withStatementCache(database);
      },
    }),
  });
}
