import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { Kysely } from 'kysely';
import type { SqlConnectOptions } from './connect-options';
import { resolveConnectOptions } from './connect-options';
import type { SqlDialectName } from './dialect';
import { openMysql } from './mysql';
import { openPostgres } from './postgres';
import type { PortcullisDatabase } from './schema';
import type { SqliteConnectionOptions } from './sqlite';
import { openSqlite } from './sqlite';

export type OpenSqlDatabaseOptions = SqlConnectOptions & SqliteConnectionOptions;

/**
 * The dialect a database URL names: `postgres://`/`postgresql://`, `mysql://`/`mariadb://`, or
 * `sqlite:<path>` (`sqlite::memory:` for an in-memory database); null for anything else.
 *
 * @example
 * ```ts
 * dialectOfUrl('mariadb://app@db/app'); // 'mysql'
 * ```
 */
export function dialectOfUrl(url: string): SqlDialectName | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql';
  if (scheme === 'sqlite') return 'sqlite';
  return null;
}

/** The file path of a `sqlite:` URL (`sqlite:./app.db`, `sqlite:///abs/app.db`). */
export function sqlitePathOfUrl(url: string): string {
  return url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
}

/**
 * A Kysely instance for a database URL, so an app can go from `DATABASE_URL` to stores in one
 * call: PostgreSQL (`openPostgres`), MySQL/MariaDB (`openMysql`) or SQLite (`openSqlite`).
 * Nothing connects until the first query. Server databases get bounded waits by default
 * (`connectTimeoutMs`, `queryTimeoutMs`: 5 s each). Call `db.destroy()` to close it.
 *
 * @throws a CONFIGURATION PortcullisError for a URL of another kind, a `sqlite:` without a path,
 * or an option out of range (the message names it).
 * @example
 * ```ts
 * const db = openSqlDatabase(process.env.DATABASE_URL ?? 'sqlite:./data/app.db');
 * await migrateToLatest(db);
 * const users = createSqlUserStore(db);
 * const accessTokens = createSqlAccessTokenStore(db);
 * ```
 */
export function openSqlDatabase<DB = PortcullisDatabase>(
  url: string,
  options: OpenSqlDatabaseOptions = {},
): Kysely<DB> {
  const dialect = dialectOfUrl(url);
  const { busyTimeout, ...connect } = options;
  // Checked here too, so an error names the function the app called.
  if (dialect === 'postgres' || dialect === 'mysql') resolveConnectOptions(connect);
  if (dialect === 'postgres') return openPostgres<DB>(url, connect);
  if (dialect === 'mysql') return openMysql<DB>(url, connect);
  if (dialect === 'sqlite') {
    const path = sqlitePathOfUrl(url);
    if (path === '') {
      throw new PortcullisError(ErrorCode.CONFIGURATION, 'A sqlite: URL needs a file path');
    }
    return openSqlite<DB>(path, busyTimeout === undefined ? {} : { busyTimeout });
  }
  throw new PortcullisError(
    ErrorCode.CONFIGURATION,
    'A database URL must start with postgres://, postgresql://, mysql://, mariadb:// or sqlite:',
  );
}
