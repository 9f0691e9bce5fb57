import type {
  ColumnDefinitionBuilder,
  CompiledQuery,
  CreateTableBuilder,
  Expression,
  Kysely,
} from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from '../dialect';
import { createMfaTables, dropMfaTables } from '../mfa-store';
import { createRateLimitTable, dropRateLimitTable } from '../rate-limit-store';
import { createRevocationTables, dropRevocationTables } from '../revocation-store';
import type { ResolvedSchema } from '../schema';
import type { SqlUserColumn } from '../user-fields';
import type { ColumnInfo } from './introspect';
import { mysqlIndexExists, readColumns } from './introspect';

/** What a migration step works with. Reads run; writes go through `run`. */
export interface MigrationContext {
  readonly db: Kysely<unknown>;
  readonly dialect: SqlDialectName;
  readonly s: ResolvedSchema;
  /** MySQL/MariaDB: the case-insensitive, accent-sensitive collation of `user.email`. */
  readonly emailCollation: string;
  /** Executes a schema change, or records it in a dry run. */
  run(query: { compile(): CompiledQuery }): Promise<void>;
}

export interface VersionedMigration {
  /** Zero-padded: Kysely's Migrator runs migrations in name order. */
  readonly name: string;
  up(ctx: MigrationContext): Promise<void>;
  down(ctx: MigrationContext): Promise<void>;
}

/** Binary (exact, case-sensitive) comparison for tokens, hashes and provider ids on MySQL. */
export const MYSQL_BINARY_COLLATION = 'utf8mb4_bin';

type DataType = Parameters<CreateTableBuilder<string, string>['addColumn']>[1];

function mysqlText(type: string, collation: string): Expression<unknown> {
  return sql`${sql.raw(type)} character set utf8mb4 collate ${sql.raw(collation)}`;
}

function idType(ctx: MigrationContext): DataType {
  if (ctx.s.idType === 'integer') return ctx.dialect === 'postgres' ? 'serial' : 'integer';
  return ctx.dialect === 'postgres' ? 'uuid' : 'char(36)';
}

export function withTableOptions<TB extends string, C extends string>(
  table: CreateTableBuilder<TB, C>,
  ctx: MigrationContext,
): CreateTableBuilder<TB, C> {
  // Binary by default on MySQL, so tokens, hashes and provider ids compare exactly (the
  // server default, *_general_ci, would match a token in any case).
  return ctx.dialect === 'mysql'
    ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`)
    : table;
}

function addIdColumn<TB extends string, C extends string>(
  table: CreateTableBuilder<TB, C>,
  ctx: MigrationContext,
): CreateTableBuilder<TB, C | 'id'> {
  // Integer ids use AUTOINCREMENT (SERIAL, AUTO_INCREMENT) so a deleted user's id is never
  // reused while tokens or JWTs naming it may still exist.
  return table.addColumn('id', idType(ctx), (col) => {
    const key = col.primaryKey().notNull();
    return ctx.s.idType === 'integer' && ctx.dialect !== 'postgres' ? key.autoIncrement() : key;
  });
}

/**
 * The `user_id` column's type. On MySQL a foreign key needs the charset and collation of the
 * column it references, which differ when the user table was created by FastAPI Users.
 */
export async function userIdType(ctx: MigrationContext): Promise<DataType | Expression<unknown>> {
  if (ctx.s.idType === 'integer') return 'integer';
  if (ctx.dialect !== 'mysql') return idType(ctx);
  const id = (await readColumns(ctx.db, ctx.dialect, ctx.s.tables.user))?.get('id');
  if (id?.charset && id.collation) {
    return sql`char(36) character set ${sql.raw(id.charset)} collate ${sql.raw(id.collation)}`;
  }
  return 'char(36)';
}

async function createIndex(
  ctx: MigrationContext,
  table: string,
  name: string,
  build: (kysely: Kysely<unknown>) => { compile(): CompiledQuery },
): Promise<void> {
  if (ctx.dialect === 'mysql' && (await mysqlIndexExists(ctx.db, table, name))) return;
  await ctx.run(build(ctx.db));
}

const notNull = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder => col.notNull();

/**
 * `user_id` referencing the user table, deleted with it. MySQL ignores a REFERENCES clause
 * inside a column definition (MariaDB honours it since 10.5), so there it is a table-level
 * FOREIGN KEY constraint.
 */
export function addUserIdColumn<TB extends string, C extends string>(
  table: CreateTableBuilder<TB, C>,
  ctx: MigrationContext,
  name: string,
  type: DataType | Expression<unknown>,
): CreateTableBuilder<TB, C | 'user_id'> {
  const { user } = ctx.s.tables;
  if (ctx.dialect !== 'mysql') {
    return table.addColumn('user_id', type, (col) =>
      col.notNull().references(`${user}.id`).onDelete('cascade'),
    );
  }
  return table
    .addColumn('user_id', type, notNull)
    .addForeignKeyConstraint(`fk_${name}_user_id`, ['user_id'], user, ['id'], (fk) =>
      fk.onDelete('cascade'),
    );
}

// `if not exists` everywhere: a database created by FastAPI Users already has these tables,
// and then only the indexes it lacks are added (0004 fixes the column types).
export const MIGRATIONS: readonly VersionedMigration[] = [
  {
    name: '0001_create_user',
    async up(ctx) {
      const { s } = ctx;
      await ctx.run(
        ctx.db.schema
          .createTable(s.tables.user)
          .ifNotExists()
          .$call((table) => addIdColumn(table, ctx))
          .addColumn(
            'email',
            ctx.dialect === 'mysql'
              ? mysqlText('varchar(320)', ctx.emailCollation)
              : 'varchar(320)',
            notNull,
          )
          .addColumn('hashed_password', 'varchar(1024)', notNull)
          .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(true))
          .addColumn('is_superuser', 'boolean', (col) => col.notNull().defaultTo(false))
          .addColumn('is_verified', 'boolean', (col) => col.notNull().defaultTo(false))
          .$call((table) => withTableOptions(table, ctx)),
      );
      // Case-insensitive uniqueness enforced by the database, so a registration race has
      // exactly one winner. PostgreSQL and SQLite index lower(email), and the stores look up
      // with the same expression; on MySQL the column's _ci collation does the folding.
      await createIndex(ctx, s.tables.user, s.indexes.userEmailLower, (db) => {
        const index = db.schema.createIndex(s.indexes.userEmailLower).unique().on(s.tables.user);
        return ctx.dialect === 'mysql'
          ? index.column('email')
          : index.ifNotExists().expression(sql`lower(${sql.ref('email')})`);
      });
    },
    async down(ctx) {
      await ctx.run(ctx.db.schema.dropTable(ctx.s.tables.user).ifExists());
    },
  },
  {
    name: '0002_create_oauth_account',
    async up(ctx) {
      const { s } = ctx;
      const table = s.tables.oauthAccount;
      const userId = await userIdType(ctx);
      await ctx.run(
        ctx.db.schema
          .createTable(table)
          .ifNotExists()
          .$call((t) => addIdColumn(t, ctx))
          .addColumn('oauth_name', 'varchar(100)', notNull)
          // TEXT, not upstream's VARCHAR(1024): provider tokens outgrow it (see docs/contract/behaviour.md#sql-tables).
          .addColumn('access_token', 'text', notNull)
          .addColumn('expires_at', 'integer')
          .addColumn('refresh_token', 'text')
          .addColumn('account_id', 'varchar(320)', notNull)
          .addColumn('account_email', 'varchar(320)', notNull)
          .$call((t) => addUserIdColumn(t, ctx, table, userId))
          .$call((t) => withTableOptions(t, ctx)),
      );
      const indexes = [
        [s.indexes.oauthName, 'oauth_name'],
        [s.indexes.oauthAccountId, 'account_id'],
        // Not upstream: without it every user delete scans the table for the cascade.
        [s.indexes.oauthUserId, 'user_id'],
      ] as const;
      for (const [name, column] of indexes) {
        await createIndex(ctx, table, name, (db) => {
          const index = db.schema.createIndex(name).on(table).column(column);
          return ctx.dialect === 'mysql' ? index : index.ifNotExists();
        });
      }
    },
    async down(ctx) {
      await ctx.run(ctx.db.schema.dropTable(ctx.s.tables.oauthAccount).ifExists());
    },
  },
  {
    name: '0003_create_accesstoken',
    async up(ctx) {
      const { s } = ctx;
      const table = s.tables.accessToken;
      const userId = await userIdType(ctx);
      const timestamp: DataType =
        ctx.dialect === 'postgres'
          ? 'timestamptz'
          : ctx.dialect === 'mysql'
            ? 'datetime(6)'
            : 'timestamp';
      await ctx.run(
        ctx.db.schema
          .createTable(table)
          .ifNotExists()
          // Upstream's VARCHAR(43) fits its 43-character tokens only; leave room for others.
          .addColumn('token', 'varchar(255)', (col) => col.primaryKey().notNull())
          .addColumn('created_at', timestamp, notNull)
          .$call((t) => addUserIdColumn(t, ctx, table, userId))
          .$call((t) => withTableOptions(t, ctx)),
      );
      const indexes = [
        [s.indexes.accessTokenCreatedAt, 'created_at'],
        // Not upstream: serves deleteAllForUser and the cascade on user delete.
        [s.indexes.accessTokenUserId, 'user_id'],
      ] as const;
      for (const [name, column] of indexes) {
        await createIndex(ctx, table, name, (db) => {
          const index = db.schema.createIndex(name).on(table).column(column);
          return ctx.dialect === 'mysql' ? index : index.ifNotExists();
        });
      }
    },
    async down(ctx) {
      await ctx.run(ctx.db.schema.dropTable(ctx.s.tables.accessToken).ifExists());
    },
  },
  {
    // Tables FastAPI Users created were left as they were by 0001–0003; bring their columns to
    // ours. A no-op on tables this package created, and on SQLite, which enforces neither
    // VARCHAR lengths nor (by default) case-insensitive comparison.
    name: '0004_adopt_existing_tables',
    async up(ctx) {
      if (ctx.dialect === 'postgres') await adoptPostgres(ctx);
      if (ctx.dialect === 'mysql') await adoptMysql(ctx);
    },
    async down() {
      // Widening is not undone: narrowing could truncate stored tokens.
    },
  },
  {
    // Issue 6: the opt-in JWT revocation list (createSqlRevocationStore).
    name: '0005_create_jwt_revocation',
    up: createRevocationTables,
    down: dropRevocationTables,
  },
  // 0006 belongs to sessions (issue 15).
  {
    name: '0007_create_rate_limit',
    up: createRateLimitTable,
    down: dropRateLimitTable,
  },
  // 0008 belongs to sessions; migrateToLatest runs a migration named before one a database
  // already ran (allowUnorderedMigrations), so the order in which they reach a database does
  // not matter.
  {
    // Second factors: TOTP secrets, recovery codes, MFA token attempts (createSqlMfaStore).
    name: '0009_mfa',
    up: createMfaTables,
    down: dropMfaTables,
  },
  {
    // Passkeys (docs/mfa.md#passkeys): credentials per user, pending challenges.
    name: '0010_passkeys',
    up: createPasskeyTables,
    down: dropPasskeyTables,
  },
];

async function createPasskeyTables(ctx: MigrationContext): Promise<void> {
  const { db, dialect } = ctx;
  const bytes: DataType = dialect === 'postgres' ? 'bytea' : 'blob';
  const userId = await userIdType(ctx);
  await ctx.run(
    db.schema
      .createTable('passkey')
      .ifNotExists()
      .addColumn('id', 'varchar(64)', (col) => col.primaryKey().notNull())
      .addColumn('credential_id', 'varchar(1400)', notNull)
      .addColumn('credential_key', 'char(64)', notNull)
      .addColumn('public_key', bytes, notNull)
      .addColumn('counter', 'bigint', notNull)
      .addColumn('transports', 'varchar(255)', notNull)
      .addColumn('name', 'varchar(100)', notNull)
      .addColumn('created_at_ms', 'bigint', notNull)
      .addColumn('last_used_at_ms', 'bigint')
      .$call((t) => addUserIdColumn(t, ctx, 'passkey', userId))
      .$call((t) => withTableOptions(t, ctx)),
  );
  await ctx.run(
    db.schema
      .createTable('passkey_challenge')
      .ifNotExists()
      .addColumn('challenge_key', 'char(64)', (col) => col.primaryKey().notNull())
      .addColumn('challenge', 'varchar(255)', notNull)
      .addColumn('purpose', 'varchar(16)', notNull)
      .addColumn('user_id', 'varchar(255)')
      .addColumn('expires_at_ms', 'bigint', notNull)
      .$call((t) => withTableOptions(t, ctx)),
  );
  const indexes = [
    ['passkey', 'ux_passkey_credential_key', 'credential_key', true],
    ['passkey', 'ix_passkey_user_id', 'user_id', false],
    ['passkey_challenge', 'ix_passkey_challenge_expires_at_ms', 'expires_at_ms', false],
  ] as const;
  for (const [table, name, column, unique] of indexes) {
    await createIndex(ctx, table, name, (kysely) => {
      let index = kysely.schema.createIndex(name).on(table).column(column);
      if (unique) index = index.unique();
      return dialect === 'mysql' ? index : index.ifNotExists();
    });
  }
}

async function dropPasskeyTables(ctx: MigrationContext): Promise<void> {
  for (const table of ['passkey_challenge', 'passkey']) {
    await ctx.run(ctx.db.schema.dropTable(table).ifExists());
  }
}

const isText = (c: ColumnInfo | undefined): boolean =>
  c === undefined || c.dataType === 'text' || c.dataType.endsWith('text');
const isShortVarchar = (c: ColumnInfo | undefined): boolean =>
  c !== undefined && c.maxLength !== null && c.maxLength < 255;

async function adoptPostgres(ctx: MigrationContext): Promise<void> {
  const { db, s } = ctx;
  const accounts = await readColumns(db, 'postgres', s.tables.oauthAccount);
  for (const column of ['access_token', 'refresh_token'] as const) {
    // Upstream's VARCHAR(1024) rejects long provider tokens (see docs/contract/behaviour.md#sql-tables).
    if (accounts && !isText(accounts.get(column))) {
      await ctx.run(
        db.schema
          .alterTable(s.tables.oauthAccount)
          .alterColumn(column, (c) => c.setDataType('text')),
      );
    }
  }
  const tokens = await readColumns(db, 'postgres', s.tables.accessToken);
  if (isShortVarchar(tokens?.get('token'))) {
    await ctx.run(
      db.schema
        .alterTable(s.tables.accessToken)
        .alterColumn('token', (c) => c.setDataType('varchar(255)')),
    );
  }
}

interface MysqlTarget {
  column: string;
  type: string;
  collation: string;
  nullable: boolean;
  /** True when the existing column needs the change. */
  needs(c: ColumnInfo): boolean;
}

async function modifyMysqlColumns(
  ctx: MigrationContext,
  table: string,
  targets: readonly MysqlTarget[],
): Promise<void> {
  const columns = await readColumns(ctx.db, 'mysql', table);
  if (columns === null) return;
  for (const target of targets) {
    const existing = columns.get(target.column);
    if (existing === undefined || !target.needs(existing)) continue;
    await ctx.run(
      ctx.db.schema
        .alterTable(table)
        .modifyColumn(target.column, mysqlText(target.type, target.collation), (c) =>
          target.nullable ? c : c.notNull(),
        ),
    );
  }
}

async function adoptMysql(ctx: MigrationContext): Promise<void> {
  const { s, emailCollation } = ctx;
  const bin = MYSQL_BINARY_COLLATION;
  const notBinary = (c: ColumnInfo): boolean => c.collation !== bin;
  const varchar = (column: string, length: number, collation = bin): MysqlTarget => ({
    column,
    type: `varchar(${length})`,
    collation,
    nullable: false,
    needs: (c) => c.collation !== collation,
  });
  await modifyMysqlColumns(ctx, s.tables.user, [
    // The unique index on email becomes case-insensitive with it (fails, and changes nothing,
    // if two stored emails differ only in case: merge those accounts first).
    varchar('email', 320, emailCollation),
    // Exact comparison for the compare-and-set on the old hash.
    varchar('hashed_password', 1024),
  ]);
  const token = (column: string, nullable: boolean): MysqlTarget => ({
    column,
    type: 'text',
    collation: bin,
    nullable,
    needs: (c) => !isText(c) || notBinary(c),
  });
  await modifyMysqlColumns(ctx, s.tables.oauthAccount, [
    token('access_token', false),
    token('refresh_token', true),
    // Provider account ids are case-sensitive on most providers.
    varchar('oauth_name', 100),
    varchar('account_id', 320),
  ]);
  await modifyMysqlColumns(ctx, s.tables.accessToken, [
    { ...varchar('token', 255), needs: (c) => isShortVarchar(c) || notBinary(c) },
  ]);
}

/** The statements that add the declared custom user columns the table lacks. */
export async function addUserColumns(
  ctx: MigrationContext,
  columns: readonly SqlUserColumn[],
): Promise<void> {
  if (columns.length === 0) return;
  const existing = await readColumns(ctx.db, ctx.dialect, ctx.s.tables.user);
  for (const column of columns) {
    if (existing?.has(column.name)) continue;
    await ctx.run(
      ctx.db.schema
        .alterTable(ctx.s.tables.user)
        .addColumn(column.name, sql.raw(column.type), (c) => {
          let col = column.nullable ? c : c.notNull();
          if (column.defaultValue !== undefined) col = col.defaultTo(column.defaultValue);
          return col;
        }),
    );
  }
}
