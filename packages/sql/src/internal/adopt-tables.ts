import type { ColumnInfo } from './introspect';
import { readColumns } from './introspect';
import { type MigrationContext, MYSQL_BINARY_COLLATION, mysqlText } from './migration-steps';

/**
 * Migration `0004_adopt_existing_tables`: widens and re-collates the columns of tables FastAPI
 * Users created to ours (PostgreSQL and MySQL; SQLite needs nothing).
 */
export async function adoptExistingTables(ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') await adoptPostgres(ctx);
  if (ctx.dialect === 'mysql') await adoptMysql(ctx);
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
