import type { ColumnDefinitionBuilder, Expression } from 'kysely';
import { sql } from 'kysely';
import { mysqlIndexExists, readColumns } from './introspect';
import type { MigrationContext } from './migration-steps';

type Kind = 'key' | 'text' | 'timestamp' | 'integer' | 'flag';

/**
 * The session columns `0008_sessions` adds to the access-token table. Every one is nullable or
 * has a default, so the rows a FastAPI Users app still inserts (token, created_at, user_id)
 * stay valid; the store fills in the rest when it reads them (docs/sessions-storage.md).
 */
const SESSION_COLUMNS: readonly (readonly [name: string, kind: Kind, length?: number])[] = [
  ['id', 'key', 64],
  ['backend', 'text', 100],
  ['last_used_at', 'timestamp'],
  ['expires_at', 'timestamp'],
  ['user_agent', 'text', 512],
  // The longest IPv6 text with an IPv4 tail and a zone id stays well below this.
  ['ip', 'text', 64],
  ['auth_time', 'timestamp'],
  ['mfa', 'flag'],
  ['refresh_generation', 'integer'],
  ['refreshed_at', 'timestamp'],
];

function columnType(ctx: MigrationContext, kind: Kind, length = 0): Expression<unknown> {
  switch (kind) {
    case 'timestamp':
      // The types 0003 gave created_at, so FastAPI Users' rows and ours compare alike.
      return sql.raw(
        ctx.dialect === 'postgres'
          ? 'timestamptz'
          : ctx.dialect === 'mysql'
            ? 'datetime(6)'
            : 'timestamp',
      );
    case 'integer':
      return sql.raw('integer');
    case 'flag':
      return sql.raw('boolean');
    default:
      // A table FastAPI Users created on MySQL may have any default collation: the id is
      // compared exactly, and the user agent may hold any character.
      return ctx.dialect === 'mysql'
        ? sql.raw(`varchar(${length}) character set utf8mb4 collate utf8mb4_bin`)
        : sql.raw(`varchar(${length})`);
  }
}

const flagDefault = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
  col.notNull().defaultTo(false);

/** Migration `0008_sessions`: adds the columns the table lacks, then the unique id index. */
export async function addSessionColumns(ctx: MigrationContext): Promise<void> {
  const table = ctx.s.tables.accessToken;
  // Read first: MySQL commits each ALTER on its own, so a rerun after a failure resumes.
  const existing = await readColumns(ctx.db, ctx.dialect, table);
  for (const [name, kind, length] of SESSION_COLUMNS) {
    if (existing?.has(name)) continue;
    await ctx.run(
      ctx.db.schema
        .alterTable(table)
        .addColumn(name, columnType(ctx, kind, length), kind === 'flag' ? flagDefault : (c) => c),
    );
  }
  const index = ctx.s.indexes.sessionId;
  if (ctx.dialect === 'mysql' && (await mysqlIndexExists(ctx.db, table, index))) return;
  const create = ctx.db.schema.createIndex(index).unique().on(table).column('id');
  // Several NULL ids (rows not yet read) are allowed by a unique index on every dialect.
  await ctx.run(ctx.dialect === 'mysql' ? create : create.ifNotExists());
}

export async function dropSessionColumns(ctx: MigrationContext): Promise<void> {
  const table = ctx.s.tables.accessToken;
  const index = ctx.db.schema.dropIndex(ctx.s.indexes.sessionId);
  await ctx.run(ctx.dialect === 'mysql' ? index.on(table) : index.ifExists());
  const existing = await readColumns(ctx.db, ctx.dialect, table);
  for (const [name] of SESSION_COLUMNS) {
    if (existing?.has(name)) {
      await ctx.run(ctx.db.schema.alterTable(table).dropColumn(name));
    }
  }
}
