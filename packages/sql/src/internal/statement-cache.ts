import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { preparedReadName } from './prepared-reads';

/**
 * Kysely's SQLite driver prepares every query's statement anew; with better-sqlite3 the prepare
 * (SQLite compiling the SQL) is the largest single cost of a one-row read (issue 7,
 * docs/performance.md). This wraps a database so that data statements are prepared once per
 * distinct SQL text and reused.
 *
 * - Only `SELECT`, `INSERT`, `UPDATE`, `DELETE` and `WITH` statements are kept; schema changes,
 *   pragmas and transaction control are prepared every time, as before.
 * - `iterate` (Kysely's `stream()`) prepares a statement of its own: a statement being iterated
 *   is busy, and a cached one is shared.
 * - SQLite recompiles a prepared statement by itself when the schema changes underneath it.
 * - At most `capacity` statements are kept; beyond that the oldest is dropped.
 * - The stores' per-request reads (`markPreparedRead`) that name their columns run in
 *   better-sqlite3's array mode, each row then made an object in JavaScript: better-sqlite3
 *   builds a row object through V8's API, a property at a time with its name made anew, about
 *   a thousand instructions per column (docs/performance.md#instruction-counts).
 */
const CACHEABLE = /^\s*(?:select|insert|update|delete|with)\b/i;

export function withStatementCache(database: SqliteDatabase, capacity = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();

  /** The statement of `sql`, compiled once; `iterate` gets a statement of its own. */
  const reusable = (sql: string): SqliteStatement => {
    const statement = database.prepare(sql);
    const rows = statement.reader ? objectRows(sql, statement) : undefined;
    return {
      reader: statement.reader,
      all: rows ?? ((parameters) => statement.all(parameters)),
      run: (parameters) => statement.run(parameters),
      iterate: (parameters) => database.prepare(sql).iterate(parameters),
    };
  };

  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      if (!CACHEABLE.test(sql)) return database.prepare(sql);
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = reusable(sql);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** What array mode needs of a better-sqlite3 statement. */
interface ArrayModeStatement {
  raw(toggle: boolean): unknown;
  columns(): { name: string }[];
  all(parameters: readonly unknown[]): unknown[][];
}

const hasArrayMode = (statement: unknown): statement is ArrayModeStatement =>
  typeof (statement as ArrayModeStatement).raw === 'function' &&
  typeof (statement as ArrayModeStatement).columns === 'function';

/**
 * `all` for a marked read in array mode, rows made objects by name, or undefined to leave the
 * statement as it is: not a marked read, a driver without array mode, or a text with `*`
 * anywhere (its columns could change with the table, and the names are read once here).
 */
function objectRows(
  sql: string,
  statement: SqliteStatement,
): ((parameters: readonly unknown[]) => unknown[]) | undefined {
  if (preparedReadName(sql) === undefined || sql.includes('*') || !hasArrayMode(statement)) {
    return undefined;
  }
  const names = statement.columns().map((column) => column.name);
  // A column named so would set the row's prototype; none of the stores' reads has one.
  if (names.includes('__proto__')) return undefined;
  statement.raw(true);
  return (parameters) => {
    const arrays = statement.all(parameters);
    const rows = new Array<Record<string, unknown>>(arrays.length);
    for (let r = 0; r < arrays.length; r++) {
      const values = arrays[r] as unknown[];
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i];
      rows[r] = row;
    }
    return rows;
  };
}
