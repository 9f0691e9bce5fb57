import type { TokenRevocationStore } from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { CreateTableBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from './dialect';
import { detectDialect } from './dialect';
import { toStoreError } from './errors';
import { mysqlIndexExists } from './internal/introspect';
import type { MigrationContext } from './internal/migration-steps';

/** The revocation tables, created by migration `0005_create_jwt_revocation`. */
export const REVOCATION_TABLES = Object.freeze({
  token: 'jwt_revocation',
  user: 'jwt_user_revocation',
} as const);

/** Instants are Unix milliseconds in BIGINT columns: exact and alike on every dialect. */
type Millis = number | string | bigint;

interface RevocationDatabase {
  jwt_revocation: { jti: string; expires_at_ms: Millis | null };
  jwt_user_revocation: { user_id: string; revoked_before_ms: Millis; expires_at_ms: Millis | null };
}

export interface SqlRevocationStoreOptions {
  /** Normally read from the Kysely instance; give it for a dialect that cannot be told. */
  dialect?: SqlDialectName;
  /**
   * Writes also delete expired entries, at most once per this many seconds per store
   * (default 600); 0 turns that off, and the app calls `purgeExpired()` itself. Reads ignore
   * expired entries either way.
   */
  purgeIntervalSeconds?: number;
}

/** The SQL revocation list, plus the purge SQL needs (it has no TTL of its own). */
export interface SqlRevocationStore extends TokenRevocationStore {
  /** Deletes entries whose tokens have expired; returns how many. */
  purgeExpired(): Promise<number>;
}

/**
 * A `TokenRevocationStore` for the JWT strategy's opt-in revocation, on the two tables
 * `migrateToLatest` creates (`jwt_revocation`, `jwt_user_revocation`; not renameable yet).
 * Every write is one statement: a revoked jti is an insert that ignores a duplicate, a cut-off
 * is an upsert keeping the later instant (`greatest`/`max`), so concurrent calls agree. Works on
 * PostgreSQL, MySQL/MariaDB and SQLite.
 *
 * @example
 * ```ts
 * await migrateToLatest(db);
 * const strategy = createJwtStrategy({
 *   secret: process.env.SECRET!,
 *   lifetimeSeconds: 3600,
 *   revocation: createSqlRevocationStore(db),
 * });
 * ```
 */
export function createSqlRevocationStore<DB>(
  database: Kysely<DB>,
  options: SqlRevocationStoreOptions = {},
): SqlRevocationStore {
  const db = database as unknown as Kysely<RevocationDatabase>;
  const dialect = detectDialect(database, options.dialect);
  const interval = options.purgeIntervalSeconds ?? 600;
  if (!Number.isFinite(interval) || interval < 0) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'purgeIntervalSeconds must be a number of seconds, 0 to turn purging off',
    );
  }
  const { token: tokenTable, user: userTable } = REVOCATION_TABLES;
  // SQLite's two-argument max() is its greatest().
  const greatest = dialect === 'sqlite' ? sql.raw('max') : sql.raw('greatest');
  let lastPurge = Date.now();

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async function purgeExpired(): Promise<number> {
    return guard(async () => {
      const now = Date.now();
      let removed = 0;
      for (const table of [tokenTable, userTable] as const) {
        const result = await db
          .deleteFrom(table)
          .where('expires_at_ms', '<=', now)
          .executeTakeFirst();
        removed += Number(result.numDeletedRows);
      }
      return removed;
    });
  }

  /** Housekeeping after a write, at most once per interval; a failure never fails the write. */
  async function maybePurge(): Promise<void> {
    if (interval === 0 || Date.now() - lastPurge < interval * 1000) return;
    lastPurge = Date.now();
    await purgeExpired().catch(() => undefined);
  }

  const live = (expiresAt: Millis | null): boolean =>
    expiresAt === null || Number(expiresAt) > Date.now();

  return Object.freeze({
    async revoke(jti: string, expiresAt: Date | null): Promise<void> {
      if (expiresAt !== null && expiresAt.getTime() <= Date.now()) return;
      const values = { jti, expires_at_ms: expiresAt?.getTime() ?? null };
      await guard(async () => {
        const insert = db.insertInto(tokenTable).values(values);
        // A second revocation of one jti changes nothing; its expiry is the token's.
        await (dialect === 'mysql'
          ? insert.onDuplicateKeyUpdate({ jti: (eb) => eb.ref('jti') })
          : insert.onConflict((oc) => oc.column('jti').doNothing())
        ).execute();
      });
      await maybePurge();
    },

    isRevoked(jti: string): Promise<boolean> {
      return guard(async () => {
        const row = await db
          .selectFrom(tokenTable)
          .select('expires_at_ms')
          .where('jti', '=', jti)
          .executeTakeFirst();
        return row !== undefined && live(row.expires_at_ms);
      });
    },

    async revokeAllForUser(userId: string, before: Date, expiresAt: Date | null): Promise<void> {
      if (expiresAt !== null && expiresAt.getTime() <= Date.now()) return;
      const cutoff = before.getTime();
      const expires = expiresAt?.getTime() ?? null;
      const ref = (column: string) =>
        dialect === 'mysql' ? sql.ref(column) : sql.ref(`${userTable}.${column}`);
      // The later cut-off wins, and the entry lives as long as the longest of the two; an
      // entry that never expires stays so.
      const set = {
        revoked_before_ms: sql<Millis>`${greatest}(${ref('revoked_before_ms')}, ${cutoff})`,
        expires_at_ms:
          expires === null
            ? sql<Millis | null>`null`
            : sql<Millis | null>`case when ${ref('expires_at_ms')} is null then null
                else ${greatest}(${ref('expires_at_ms')}, ${expires}) end`,
      };
      await guard(async () => {
        const insert = db
          .insertInto(userTable)
          .values({ user_id: userId, revoked_before_ms: cutoff, expires_at_ms: expires });
        await (dialect === 'mysql'
          ? insert.onDuplicateKeyUpdate(set)
          : insert.onConflict((oc) => oc.column('user_id').doUpdateSet(set))
        ).execute();
      });
      await maybePurge();
    },

    revokedBefore(userId: string): Promise<Date | null> {
      return guard(async () => {
        const row = await db
          .selectFrom(userTable)
          .select(['revoked_before_ms', 'expires_at_ms'])
          .where('user_id', '=', userId)
          .executeTakeFirst();
        return row !== undefined && live(row.expires_at_ms)
          ? new Date(Number(row.revoked_before_ms))
          : null;
      });
    },

    purgeExpired,
  });
}

function withTableOptions<TB extends string, C extends string>(
  table: CreateTableBuilder<TB, C>,
  dialect: SqlDialectName,
): CreateTableBuilder<TB, C> {
  // Binary on MySQL: jtis and user ids compare exactly, as everywhere else.
  return dialect === 'mysql'
    ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`)
    : table;
}

/** Migration `0005_create_jwt_revocation`: the two tables and their expiry indexes. */
export async function createRevocationTables(ctx: MigrationContext): Promise<void> {
  const { db, dialect } = ctx;
  const { token, user } = REVOCATION_TABLES;
  await ctx.run(
    db.schema
      .createTable(token)
      .ifNotExists()
      .addColumn('jti', 'varchar(255)', (col) => col.primaryKey().notNull())
      .addColumn('expires_at_ms', 'bigint')
      .$call((t) => withTableOptions(t, dialect)),
  );
  await ctx.run(
    db.schema
      .createTable(user)
      .ifNotExists()
      .addColumn('user_id', 'varchar(255)', (col) => col.primaryKey().notNull())
      .addColumn('revoked_before_ms', 'bigint', (col) => col.notNull())
      .addColumn('expires_at_ms', 'bigint')
      .$call((t) => withTableOptions(t, dialect)),
  );
  for (const table of [token, user]) {
    // Serves purgeExpired. MySQL 8 has no CREATE INDEX IF NOT EXISTS: look first.
    const name = `ix_${table}_expires_at_ms`;
    if (dialect === 'mysql' && (await mysqlIndexExists(db, table, name))) continue;
    const index = db.schema.createIndex(name).on(table).column('expires_at_ms');
    await ctx.run(dialect === 'mysql' ? index : index.ifNotExists());
  }
}

/** Undoes `createRevocationTables`. */
export async function dropRevocationTables(ctx: MigrationContext): Promise<void> {
  for (const table of [REVOCATION_TABLES.user, REVOCATION_TABLES.token]) {
    await ctx.run(ctx.db.schema.dropTable(table).ifExists());
  }
}
