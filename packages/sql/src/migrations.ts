import { ErrorCode, PortcullisError, type UserFields } from '@portcullis/core';
import type { CompiledQuery, Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator, sql } from 'kysely';
import type { SqlDialectName } from './dialect';
import { detectDialect } from './dialect';
import { toStoreError } from './errors';
import { firstKnownCollation, readColumns } from './internal/introspect';
import type { MigrationContext } from './internal/migration-steps';
import { addUserColumns } from './internal/migration-steps';
import { MIGRATIONS } from './internal/versioned-migrations';
import type { ResolvedSchema, SqlSchemaOptions } from './schema';
import { assertIdentifier, resolveSchema } from './schema';
import { type UserColumnsOptions, userColumns } from './user-fields';

export interface SqlMigrationOptions extends SqlSchemaOptions, UserColumnsOptions {
  /**
   * Where Kysely's `Migrator` records the migrations it ran; `<name>_lock` holds its lock.
   * Separate from Kysely's default `kysely_migration` so the app's own migrations and ours
   * never meet in one history (a Migrator refuses a history with names it does not know).
   */
  migrationTableName?: string;
  /**
   * The app's own user fields (core's `defineUserFields`): columns the user table lacks are
   * added after the migrations; `columnTypes` names the types that cannot be derived.
   */
  userFields?: UserFields;
  /**
   * MySQL/MariaDB only: the collation of `user.email`, which makes the unique email
   * case-insensitive. Default: the first this server has of `utf8mb4_uca1400_nopad_as_ci`
   * (MariaDB 10.10+), `utf8mb4_0900_as_ci` (MySQL 8) and `utf8mb4_unicode_520_ci` (older
   * servers; accent-insensitive, so `josé@x.io` and `jose@x.io` count as one address).
   */
  emailCollation?: string;
}

/** Default history table of Portcullis' migrations. */
export const DEFAULT_MIGRATION_TABLE = 'portcullis_migration';

/** Case-insensitive and accent-sensitive first; NO PAD so trailing spaces are significant. */
const EMAIL_COLLATIONS = [
  'utf8mb4_uca1400_nopad_as_ci',
  'utf8mb4_0900_as_ci',
  'utf8mb4_unicode_520_ci',
] as const;

/** One statement of a dry run: the migration it belongs to and its SQL. */
export interface PlannedStatement {
  migration: string;
  sql: string;
  parameters: readonly unknown[];
}

export interface MigrationPlan {
  /** Migrations not yet recorded in the history table, in the order they would run. */
  pending: string[];
  /** What they would execute against the database as it is now. */
  statements: PlannedStatement[];
}

async function resolveEmailCollation(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  option: string | undefined,
): Promise<string> {
  if (dialect !== 'mysql') return '';
  if (option !== undefined) {
    assertIdentifier(option, 'emailCollation');
    return option;
  }
  const found = await firstKnownCollation(db, EMAIL_COLLATIONS);
  if (found === null) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'This MySQL server has no utf8mb4 case-insensitive collation we know; set emailCollation',
    );
  }
  return found;
}

async function contextFor(
  db: Kysely<unknown>,
  schema: ResolvedSchema,
  options: SqlMigrationOptions,
  run: MigrationContext['run'],
): Promise<MigrationContext> {
  const dialect = detectDialect(db, options.dialect);
  const emailCollation = await resolveEmailCollation(db, dialect, options.emailCollation);
  return { db, dialect, s: schema, emailCollation, run };
}

const execute =
  (db: Kysely<unknown>): MigrationContext['run'] =>
  async (query) => {
    await db.executeQuery(query.compile());
  };

/**
 * The package's migrations as a Kysely `MigrationProvider`, for apps that drive a `Migrator`
 * themselves. Give that Migrator its own history table (see `migrateToLatest`). Custom user
 * columns (`userFields`) are not part of it: `migrateToLatest` adds them.
 *
 * @example
 * ```ts
 * const migrator = new Migrator({
 *   db,
 *   provider: createMigrationProvider({ idType: 'integer' }),
 *   migrationTableName: 'portcullis_migration',
 *   migrationLockTableName: 'portcullis_migration_lock',
 * });
 * await migrator.migrateToLatest();
 * ```
 */
export function createMigrationProvider(options: SqlMigrationOptions = {}): MigrationProvider {
  const resolved = resolveSchema(options);
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      const migrations: Record<string, Migration> = {};
      for (const migration of MIGRATIONS) {
        migrations[migration.name] = {
          // The Migrator hands over its connection (a transaction on PostgreSQL).
          up: async (db: Kysely<unknown>) =>
            migration.up(await contextFor(db, resolved, options, execute(db))),
          down: async (db: Kysely<unknown>) =>
            migration.down(await contextFor(db, resolved, options, execute(db))),
        };
      }
      return migrations;
    },
  };
}

function historyTable(options: SqlMigrationOptions): string {
  const table = options.migrationTableName ?? DEFAULT_MIGRATION_TABLE;
  assertIdentifier(table, 'migrationTableName');
  return table;
}

/**
 * Creates or upgrades the Portcullis tables (`user`, `oauth_account`, `accesstoken` unless
 * renamed) and their indexes, then adds the declared custom user columns that are missing.
 * Safe to call on every start: migrations already recorded are skipped. On PostgreSQL and
 * MySQL concurrent callers wait on Kysely's migration lock; on SQLite run it from one process
 * at a time. On a database FastAPI Users created, the tables are adopted, not duplicated.
 *
 * @returns the names of the migrations this call applied (empty when up to date).
 * @throws the failing migration's error; a `SERVICE_UNAVAILABLE` PortcullisError when the
 *   database cannot be reached.
 * @example
 * ```ts
 * const db = openSqlite('./data/app.db');
 * await migrateToLatest(db); // ['0001_create_user', '0002_create_oauth_account', …]
 * await migrateToLatest(db); // []
 * ```
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  options: SqlMigrationOptions = {},
): Promise<string[]> {
  const table = historyTable(options);
  const kysely = db as unknown as Kysely<unknown>;
  let migrationTableSchema: string | undefined;
  try {
    migrationTableSchema = await currentPostgresSchema(kysely, options);
  } catch (cause) {
    throw toStoreError(cause);
  }
  const migrator = new Migrator({
    db: kysely,
    provider: createMigrationProvider(options),
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
    migrationTableSchema,
    // Migrations are numbered as features are planned, not as they land: one named before a
    // migration a database already ran (say 0009 after 0010) still runs. Each creates its
    // own tables, so the order between them does not matter.
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) throw toStoreError(error);
  const columns = options.userFields ? userColumns(options.userFields, options) : [];
  if (columns.length > 0) {
    try {
      const ctx = await contextFor(kysely, resolveSchema(options), options, execute(kysely));
      await addUserColumns(ctx, columns);
    } catch (cause) {
      throw toStoreError(cause);
    }
  }
  return results.filter((result) => result.status === 'Success').map((r) => r.migrationName);
}

/**
 * PostgreSQL: the schema the tables go to (the first of `search_path`). Kysely's Migrator
 * looks for its history table by name in every schema unless told which one, and would take
 * another schema's table for ours.
 */
async function currentPostgresSchema(
  db: Kysely<unknown>,
  options: SqlMigrationOptions,
): Promise<string | undefined> {
  if (detectDialect(db, options.dialect) !== 'postgres') return undefined;
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  );
  return result.rows[0]?.schema ?? undefined;
}

async function executedMigrations(
  db: Kysely<unknown>,
  table: string,
  options: SqlMigrationOptions,
): Promise<Set<string>> {
  if ((await readColumns(db, detectDialect(db, options.dialect), table)) === null) {
    return new Set();
  }
  const rows = await (db as unknown as Kysely<Record<string, { name: string }>>)
    .selectFrom(table)
    .select('name')
    .execute();
  return new Set(rows.map((row) => row.name));
}

/**
 * A dry run of `migrateToLatest`: which migrations are pending and the SQL they would run,
 * computed against the database as it is now. Writes nothing (not even the history table).
 * Steps that depend on an earlier pending step's result are planned as if it had run.
 *
 * @example
 * ```ts
 * const plan = await planMigrations(db);
 * for (const s of plan.statements) console.log(`${s.sql};`);
 * ```
 */
export async function planMigrations<DB>(
  db: Kysely<DB>,
  options: SqlMigrationOptions = {},
): Promise<MigrationPlan> {
  const kysely = db as unknown as Kysely<unknown>;
  const table = historyTable(options);
  try {
    const executed = await executedMigrations(kysely, table, options);
    const statements: PlannedStatement[] = [];
    let current = '';
    const record: MigrationContext['run'] = async (query) => {
      const compiled: CompiledQuery = query.compile();
      statements.push({ migration: current, sql: compiled.sql, parameters: compiled.parameters });
    };
    const ctx = await contextFor(kysely, resolveSchema(options), options, record);
    const pending = MIGRATIONS.filter((m) => !executed.has(m.name));
    for (const migration of pending) {
      current = migration.name;
      await migration.up(ctx);
    }
    current = 'user fields';
    await addUserColumns(ctx, options.userFields ? userColumns(options.userFields, options) : []);
    return { pending: pending.map((m) => m.name), statements };
  } catch (error) {
    throw toStoreError(error);
  }
}
