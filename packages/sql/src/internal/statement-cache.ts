import type { SqliteDatabase, SqliteStatement } from 'kysely';

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
 */
const CACHEABLE = /^\s*(?:select|insert|update|delete|with)\b/i;

export function withStatementCache(database: SqliteDatabase, capacity = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();

  /** The statement of `sql`, compiled once; `iterate` gets a statement of its own. */
  const reusable = (sql: string): SqliteStatement => {
    const statement = database.prepare(sql);
    return {
      reader: statement.reader,
      all: (parameters) => statement.all(parameters),
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
