import { sql } from 'kysely';
import { createMfaTables, dropMfaTables } from '../mfa-store';
import { createRateLimitTable, dropRateLimitTable } from '../rate-limit-store';
import { createRevocationTables, dropRevocationTables } from '../revocation-store';
import { adoptExistingTables } from './adopt-tables';
import {
  addIdColumn,
  addUserIdColumn,
  createColumnIndexes,
  createIndex,
  type DataType,
  type MigrationContext,
  mysqlText,
  notNull,
  userIdType,
  type VersionedMigration,
  withTableOptions,
} from './migration-steps';
import { addSessionColumns, dropSessionColumns } from './session-columns';

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
      await createColumnIndexes(ctx, table, [
        [s.indexes.oauthName, 'oauth_name'],
        [s.indexes.oauthAccountId, 'account_id'],
        // Not upstream: without it every user delete scans the table for the cascade.
        [s.indexes.oauthUserId, 'user_id'],
      ]);
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
      await createColumnIndexes(ctx, table, [
        [s.indexes.accessTokenCreatedAt, 'created_at'],
        // Not upstream: serves deleteAllForUser and the cascade on user delete.
        [s.indexes.accessTokenUserId, 'user_id'],
      ]);
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
    up: adoptExistingTables,
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
  // 0006 was set aside for sessions; they came after 0007, and Kysely's Migrator refuses a
  // migration named before one a database already ran, so they are 0008.
  {
    name: '0007_create_rate_limit',
    up: createRateLimitTable,
    down: dropRateLimitTable,
  },
  {
    // Sessions live in the access-token table (docs/sessions-storage.md).
    name: '0008_sessions',
    up: addSessionColumns,
    down: dropSessionColumns,
  },
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
