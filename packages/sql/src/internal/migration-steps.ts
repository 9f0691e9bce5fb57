// What every migration step builds with: the context, column types, indexes and the user
// foreign key on each dialect. The steps themselves are in versioned-migrations.ts.
import type {
  ColumnDefinitionBuilder,
  CompiledQuery,
  CreateTableBuilder,
  Expression,
  Kysely,
} from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from '../dialect';
import type { ResolvedSchema } from '../schema';
import type { SqlUserColumn } from '../user-fields';
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

export type DataType = Parameters<CreateTableBuilder<string, string>['addColumn']>[1];

export function mysqlText(type: string, collation: string): Expression<unknown> {
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

export function addIdColumn<TB extends string, C extends string>(
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

export async function createIndex(
  ctx: MigrationContext,
  table: string,
  name: string,
  build: (kysely: Kysely<unknown>) => { compile(): CompiledQuery },
): Promise<void> {
  if (ctx.dialect === 'mysql' && (await mysqlIndexExists(ctx.db, table, name))) return;
  await ctx.run(build(ctx.db));
}

/** Plain (not unique) indexes on one column each of `table`, those it lacks. */
export async function createColumnIndexes(
  ctx: MigrationContext,
  table: string,
  indexes: readonly (readonly [name: string, column: string])[],
): Promise<void> {
  for (const [name, column] of indexes) {
    await createIndex(ctx, table, name, (db) => {
      const index = db.schema.createIndex(name).on(table).column(column);
      return ctx.dialect === 'mysql' ? index : index.ifNotExists();
    });
  }
}

export const notNull = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder => col.notNull();

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
