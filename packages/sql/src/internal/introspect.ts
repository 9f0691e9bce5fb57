import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from '../dialect';

/** What the migrations need to know about an existing column. */
export interface ColumnInfo {
  /** Lower-case data type: `text`, `character varying`, `varchar`, `longtext`, … */
  readonly dataType: string;
  readonly maxLength: number | null;
  readonly nullable: boolean;
  /** MySQL/MariaDB only. */
  readonly charset: string | null;
  readonly collation: string | null;
}

interface ColumnRow {
  name: string;
  data_type: string;
  max_length: number | string | null;
  nullable: string | number;
  charset: string | null;
  collation: string | null;
}

function toInfo(row: ColumnRow): [string, ColumnInfo] {
  return [
    row.name,
    {
      dataType: String(row.data_type).toLowerCase(),
      maxLength: row.max_length === null ? null : Number(row.max_length),
      nullable: row.nullable === 'YES' || row.nullable === 1 || row.nullable === '1',
      charset: row.charset,
      collation: row.collation,
    },
  ];
}

/**
 * The columns of a table in the current schema (PostgreSQL `current_schema()`, MySQL
 * `database()`), or null when the table does not exist. Reads only.
 */
export async function readColumns<DB>(
  db: Kysely<DB>,
  dialect: SqlDialectName,
  table: string,
): Promise<Map<string, ColumnInfo> | null> {
  let rows: ColumnRow[];
  if (dialect === 'sqlite') {
    const result = await sql<{ name: string; type: string; notnull: number }>`
      select name, type, "notnull" from pragma_table_info(${table})`.execute(db);
    rows = result.rows.map((r) => {
      const length = /\((\d+)\)/.exec(r.type)?.[1];
      return {
        name: r.name,
        data_type: r.type.replace(/\(.*$/, ''),
        max_length: length === undefined ? null : Number(length),
        nullable: r.notnull ? 'NO' : 'YES',
        charset: null,
        collation: null,
      };
    });
  } else if (dialect === 'postgres') {
    const result = await sql<ColumnRow>`
      select column_name as name, data_type, character_maximum_length as max_length,
        is_nullable as nullable, null as charset, collation_name as collation
      from information_schema.columns
      where table_schema = current_schema() and table_name = ${table}`.execute(db);
    rows = result.rows;
  } else {
    const result = await sql<ColumnRow>`
      select column_name as name, data_type, character_maximum_length as max_length,
        is_nullable as nullable, character_set_name as charset, collation_name as collation
      from information_schema.columns
      where table_schema = database() and table_name = ${table}`.execute(db);
    rows = result.rows;
  }
  return rows.length === 0 ? null : new Map(rows.map(toInfo));
}

/**
 * Whether a MySQL/MariaDB table has an index of this name. MySQL 8 has no
 * `CREATE INDEX IF NOT EXISTS` (MariaDB has), so the migrations look first.
 */
export async function mysqlIndexExists(
  db: Kysely<unknown>,
  table: string,
  index: string,
): Promise<boolean> {
  const result = await sql<{ n: number }>`
    select 1 as n from information_schema.statistics
    where table_schema = database() and table_name = ${table} and index_name = ${index}
    limit 1`.execute(db);
  return result.rows.length > 0;
}

/**
 * The first of `candidates` this MySQL/MariaDB server knows, probed by using it (the
 * collation catalogues differ between MySQL and MariaDB 10.10+), or null.
 */
export async function firstKnownCollation(
  db: Kysely<unknown>,
  candidates: readonly string[],
): Promise<string | null> {
  for (const collation of candidates) {
    try {
      await sql`select convert('a' using utf8mb4) collate ${sql.raw(collation)} as probe`.execute(
        db,
      );
      return collation;
    } catch {
      // Unknown collation (ER_UNKNOWN_COLLATION): try the next one.
    }
  }
  return null;
}
