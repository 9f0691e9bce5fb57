import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Migrator, sql } from 'kysely';
import type { OpenSqlDatabaseOptions, PortcullisDatabase, SqlDialectName } from '../src/index';
import { createMigrationProvider, DEFAULT_MIGRATION_TABLE, openSqlDatabase } from '../src/index';

export const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://test:test@127.0.0.1:3306/test';

/** A database of one dialect that belongs to one test file. */
export interface TestDatabase {
  readonly dialect: SqlDialectName;
  /** The URL of the isolated database (schema on PostgreSQL, database on MySQL, file on SQLite). */
  readonly url: string;
  /** A new Kysely instance on it; closed by `drop()`. */
  open(options?: OpenSqlDatabaseOptions): Kysely<PortcullisDatabase>;
  /** Closes every instance and removes the schema, database or folder. */
  drop(): Promise<void>;
}

const uniqueName = (): string =>
  `pc_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

function tracker(url: string): {
  open: TestDatabase['open'];
  closeAll(): Promise<void>;
} {
  const opened: Kysely<PortcullisDatabase>[] = [];
  return {
    open(options = {}) {
      const db = openSqlDatabase<PortcullisDatabase>(url, { poolSize: 4, ...options });
      opened.push(db);
      return db;
    },
    async closeAll() {
      await Promise.all(opened.map((db) => db.destroy().catch(() => undefined)));
    },
  };
}

/** A fresh PostgreSQL schema in the test database, reached through `search_path`. */
async function postgres(): Promise<TestDatabase> {
  const schema = uniqueName();
  const admin = openSqlDatabase(POSTGRES_URL);
  await sql`create schema ${sql.id(schema)}`.execute(admin);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const t = tracker(url.toString());
  return {
    dialect: 'postgres',
    url: url.toString(),
    open: t.open,
    async drop() {
      await t.closeAll();
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    },
  };
}

/** A fresh MariaDB/MySQL database (the test user may create databases). */
async function mysql(): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = openSqlDatabase(MYSQL_URL);
  await sql`create database ${sql.id(name)} character set utf8mb4`.execute(admin);
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  const t = tracker(url.toString());
  return {
    dialect: 'mysql',
    url: url.toString(),
    open: t.open,
    async drop() {
      await t.closeAll();
      await sql`drop database if exists ${sql.id(name)}`.execute(admin);
      await admin.destroy();
    },
  };
}

async function sqlite(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-sql-'));
  const url = `sqlite:${join(dir, 'app.db')}`;
  const t = tracker(url);
  return {
    dialect: 'sqlite',
    url,
    open: t.open,
    async drop() {
      await t.closeAll();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A database of this dialect for one test file. */
export function createTestDatabase(dialect: SqlDialectName): Promise<TestDatabase> {
  if (dialect === 'postgres') return postgres();
  if (dialect === 'mysql') return mysql();
  return sqlite();
}

/** The dialects every cross-dialect test file runs on. */
export const DIALECTS: readonly SqlDialectName[] = ['sqlite', 'postgres', 'mysql'];

/** Every shipped migration, in order (other features add theirs after ours). */
export async function shippedMigrations(): Promise<string[]> {
  return Object.keys(await createMigrationProvider().getMigrations());
}

/**
 * The schema a test's PostgreSQL database is (its `search_path`, see `postgres()` above);
 * undefined on the other dialects, whose test databases are whole databases or files.
 */
export async function ownSchema<DB>(
  db: Kysely<DB>,
  dialect: SqlDialectName,
): Promise<string | undefined> {
  if (dialect !== 'postgres') return undefined;
  const result = await sql<{ s: string | null }>`select current_schema() as s`.execute(db);
  return result.rows[0]?.s ?? undefined;
}

/**
 * A Kysely `Migrator` over the shipped migrations, with the history and lock tables
 * `migrateToLatest` uses, in the test's own schema: Kysely looks for them in every schema unless
 * told which, and every PostgreSQL test file has them in its own.
 */
export async function shippedMigrator<DB>(
  db: Kysely<DB>,
  dialect: SqlDialectName,
): Promise<Migrator> {
  return new Migrator({
    db,
    provider: createMigrationProvider(),
    migrationTableName: DEFAULT_MIGRATION_TABLE,
    migrationLockTableName: `${DEFAULT_MIGRATION_TABLE}_lock`,
    migrationTableSchema: await ownSchema(db, dialect),
  });
}

/**
 * The names of the tables a test's own database holds. On PostgreSQL Kysely's introspection
 * lists every schema's tables, and the other test files' schemas hold the same tables, so the
 * list is cut to the current schema (`search_path`): without that, a table this test dropped
 * could still be "found" in another file's schema. MySQL's lists the current database only.
 */
export async function ownTableNames<DB>(
  db: Kysely<DB>,
  dialect: SqlDialectName,
): Promise<string[]> {
  const tables = await db.introspection.getTables();
  const schema = await ownSchema(db, dialect);
  return tables.filter((t) => schema === undefined || t.schema === schema).map((t) => t.name);
}
