import type {
  CreateTableBuilder,
  Kysely,
  Migration,
  MigrationProvider,
  SchemaModule,
} from 'kysely';
import { Migrator, sql } from 'kysely';
import { toStoreError } from './errors';
import type { ResolvedSchema, SqlSchemaOptions } from './schema';
import { assertIdentifier, resolveSchema } from './schema';

export interface SqlMigrationOptions extends SqlSchemaOptions {
  /**
   * Where Kysely's `Migrator` records the migrations it ran; `<name>_lock` holds its lock.
   * Separate from Kysely's default `kysely_migration` so the app's own migrations and ours
   * never meet in one history (a Migrator refuses a history with names it does not know).
   */
  migrationTableName?: string;
}

/** Default history table of Portcullis' migrations. */
export const DEFAULT_MIGRATION_TABLE = 'portcullis_migration';

interface VersionedMigration {
  /** Zero-padded: Kysely's Migrator runs migrations in name order. */
  readonly name: string;
  up(schema: SchemaModule, s: ResolvedSchema): Promise<void>;
  down(schema: SchemaModule, s: ResolvedSchema): Promise<void>;
}

function addIdColumn<TB extends string, C extends string>(
  table: CreateTableBuilder<TB, C>,
  s: ResolvedSchema,
): CreateTableBuilder<TB, C | 'id'> {
  // Integer ids use AUTOINCREMENT so a deleted user's id is never reused while tokens or JWTs
  // naming it may still exist.
  return s.idType === 'integer'
    ? table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement().notNull())
    : table.addColumn('id', 'char(36)', (col) => col.primaryKey().notNull());
}

function addUserIdColumn<TB extends string, C extends string>(
  table: CreateTableBuilder<TB, C>,
  s: ResolvedSchema,
): CreateTableBuilder<TB, C | 'user_id'> {
  return table.addColumn('user_id', s.idType === 'integer' ? 'integer' : 'char(36)', (col) =>
    col.notNull().references(`${s.tables.user}.id`).onDelete('cascade'),
  );
}

// `if not exists` everywhere: a database created by FastAPI Users already has these tables,
// and then only the indexes it lacks are added.
const MIGRATIONS: readonly VersionedMigration[] = [
  {
    name: '0001_create_user',
    async up(schema, s) {
      await schema
        .createTable(s.tables.user)
        .ifNotExists()
        .$call((table) => addIdColumn(table, s))
        .addColumn('email', 'varchar(320)', (col) => col.notNull())
        .addColumn('hashed_password', 'varchar(1024)', (col) => col.notNull())
        .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(true))
        .addColumn('is_superuser', 'boolean', (col) => col.notNull().defaultTo(false))
        .addColumn('is_verified', 'boolean', (col) => col.notNull().defaultTo(false))
        .execute();
      // Case-insensitive uniqueness enforced by the database, so a registration race has
      // exactly one winner. The stores look up with the same expression, which uses it.
      await schema
        .createIndex(s.indexes.userEmailLower)
        .ifNotExists()
        .unique()
        .on(s.tables.user)
        .expression(sql`lower(${sql.ref('email')})`)
        .execute();
    },
    async down(schema, s) {
      await schema.dropTable(s.tables.user).ifExists().execute();
    },
  },
  {
    name: '0002_create_oauth_account',
    async up(schema, s) {
      const table = s.tables.oauthAccount;
      await schema
        .createTable(table)
        .ifNotExists()
        .$call((table) => addIdColumn(table, s))
        .addColumn('oauth_name', 'varchar(100)', (col) => col.notNull())
        // TEXT, not upstream's VARCHAR(1024): provider tokens outgrow it (spec §16.20).
        .addColumn('access_token', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'integer')
        .addColumn('refresh_token', 'text')
        .addColumn('account_id', 'varchar(320)', (col) => col.notNull())
        .addColumn('account_email', 'varchar(320)', (col) => col.notNull())
        .$call((table) => addUserIdColumn(table, s))
        .execute();
      await schema
        .createIndex(s.indexes.oauthName)
        .ifNotExists()
        .on(table)
        .column('oauth_name')
        .execute();
      await schema
        .createIndex(s.indexes.oauthAccountId)
        .ifNotExists()
        .on(table)
        .column('account_id')
        .execute();
      // Not upstream: without it every user delete scans the table for the cascade.
      await schema
        .createIndex(s.indexes.oauthUserId)
        .ifNotExists()
        .on(table)
        .column('user_id')
        .execute();
    },
    async down(schema, s) {
      await schema.dropTable(s.tables.oauthAccount).ifExists().execute();
    },
  },
  {
    name: '0003_create_accesstoken',
    async up(schema, s) {
      const table = s.tables.accessToken;
      await schema
        .createTable(table)
        .ifNotExists()
        // Upstream's VARCHAR(43) fits its 43-character tokens only; leave room for others.
        .addColumn('token', 'varchar(255)', (col) => col.primaryKey().notNull())
        .addColumn('created_at', 'timestamp', (col) => col.notNull())
        .$call((table) => addUserIdColumn(table, s))
        .execute();
      await schema
        .createIndex(s.indexes.accessTokenCreatedAt)
        .ifNotExists()
        .on(table)
        .column('created_at')
        .execute();
      // Not upstream: serves deleteAllForUser and the cascade on user delete.
      await schema
        .createIndex(s.indexes.accessTokenUserId)
        .ifNotExists()
        .on(table)
        .column('user_id')
        .execute();
    },
    async down(schema, s) {
      await schema.dropTable(s.tables.accessToken).ifExists().execute();
    },
  },
];

/**
 * The package's migrations as a Kysely `MigrationProvider`, for apps that drive a `Migrator`
 * themselves. Give that Migrator its own history table (see `migrateToLatest`).
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
export function createMigrationProvider(options: SqlSchemaOptions = {}): MigrationProvider {
  const resolved = resolveSchema(options);
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      const migrations: Record<string, Migration> = {};
      for (const migration of MIGRATIONS) {
        migrations[migration.name] = {
          up: (db: Kysely<unknown>) => migration.up(db.schema, resolved),
          down: (db: Kysely<unknown>) => migration.down(db.schema, resolved),
        };
      }
      return migrations;
    },
  };
}

/**
 * Creates or upgrades the Portcullis tables (`user`, `oauth_account`, `accesstoken` unless
 * renamed) and their indexes. Safe to call on every start: migrations already recorded are
 * skipped. Run it from one process at a time (SQLite has no migration lock across
 * connections).
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
  const table = options.migrationTableName ?? DEFAULT_MIGRATION_TABLE;
  assertIdentifier(table, 'migrationTableName');
  const migrator = new Migrator({
    db,
    provider: createMigrationProvider(options),
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) throw toStoreError(error);
  return results.filter((result) => result.status === 'Success').map((r) => r.migrationName);
}
