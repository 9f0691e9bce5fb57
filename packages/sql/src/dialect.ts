import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { Kysely } from 'kysely';

/** The SQL dialects the stores and migrations speak. */
export type SqlDialectName = 'postgres' | 'mysql' | 'sqlite';

const DIALECTS: readonly SqlDialectName[] = ['postgres', 'mysql', 'sqlite'];

/**
 * Tells which dialect a Kysely instance speaks from the SQL it compiles: `$1` placeholders are
 * PostgreSQL, backquoted identifiers are MySQL/MariaDB, `"x"` with `?` is SQLite. Reading the
 * compiled text (public API) rather than the adapter class also recognises third-party
 * dialects built on Kysely's compilers (PGlite, Neon, D1, …). `override` wins when given.
 *
 * @throws a CONFIGURATION PortcullisError when the dialect cannot be told; pass `dialect`.
 * @example
 * ```ts
 * detectDialect(new Kysely({ dialect: new PostgresDialect({ pool }) })); // 'postgres'
 * ```
 */
export function detectDialect<DB>(db: Kysely<DB>, override?: SqlDialectName): SqlDialectName {
  if (override !== undefined) {
    if (!DIALECTS.includes(override)) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        'dialect must be "postgres", "mysql" or "sqlite"',
      );
    }
    return override;
  }
  const probe = (db as unknown as Kysely<Record<string, { c: number }>>)
    .selectFrom('t')
    .select('c')
    .where('c', '=', 1)
    .compile().sql;
  if (probe.includes('$1')) return 'postgres';
  if (probe.includes('`t`')) return 'mysql';
  if (probe.includes('"t"') && probe.includes('?')) return 'sqlite';
  throw new PortcullisError(
    ErrorCode.CONFIGURATION,
    'Cannot tell the SQL dialect of this Kysely instance; pass dialect: postgres, mysql or sqlite',
  );
}
