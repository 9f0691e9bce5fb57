import type { Kysely } from 'kysely';
import { CompiledQuery, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import {
  createMigrationProvider,
  createSqlAccessTokenStore,
  createSqlUserStore,
  migrateToLatest,
} from '../src/index';
import { shippedMigrations } from './databases';
import type { TestFiles } from './helpers';
import { createTestFiles, HASH } from './helpers';

let files: TestFiles;

beforeAll(async () => {
  files = await createTestFiles();
});
afterAll(() => files.cleanup());

type Db = Kysely<PortcullisDatabase>;

async function tableNames(db: Db): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%'
    and name not like '%_migration%' order by name`.execute(db);
  return result.rows.map((t) => t.name);
}

async function allTableNames(db: Db): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' order by name`.execute(db);
  return result.rows.map((t) => t.name);
}

async function columns(db: Db, table: string): Promise<Record<string, string>> {
  const result = await sql<{ name: string; type: string; notnull: number; pk: number }>`
    select name, type, "notnull", pk from pragma_table_info(${table})`.execute(db);
  return Object.fromEntries(
    result.rows.map((c) => [
      c.name,
      `${c.type.toLowerCase()}${c.notnull ? ' not null' : ''}${c.pk ? ' pk' : ''}`,
    ]),
  );
}

async function indexes(db: Db, table: string): Promise<Record<string, number>> {
  const result = await sql<{ name: string; unique: number }>`
    select name, "unique" from pragma_index_list(${table})`.execute(db);
  return Object.fromEntries(result.rows.map((i) => [i.name, i.unique]));
}

describe('migrateToLatest', () => {
  it('creates the FastAPI Users tables, columns and indexes', async () => {
    const db = files.open('layout.db');
    const applied = await migrateToLatest(db);
    expect(applied.slice(0, 4)).toEqual([
      '0001_create_user',
      '0002_create_oauth_account',
      '0003_create_accesstoken',
      '0004_adopt_existing_tables',
    ]);
    expect(applied).toEqual(await shippedMigrations());
    expect(await tableNames(db)).toEqual(
      expect.arrayContaining(['accesstoken', 'oauth_account', 'user']),
    );
    expect(await columns(db, 'user')).toEqual({
      id: 'char(36) not null pk',
      email: 'varchar(320) not null',
      hashed_password: 'varchar(1024) not null',
      is_active: 'boolean not null',
      is_superuser: 'boolean not null',
      is_verified: 'boolean not null',
    });
    expect(await columns(db, 'oauth_account')).toMatchObject({
      oauth_name: 'varchar(100) not null',
      access_token: 'text not null',
      expires_at: 'integer',
      refresh_token: 'text',
      account_id: 'varchar(320) not null',
      account_email: 'varchar(320) not null',
      user_id: 'char(36) not null',
    });
    expect(await columns(db, 'accesstoken')).toEqual({
      token: 'varchar(255) not null pk',
      created_at: 'timestamp not null',
      user_id: 'char(36) not null',
      // 0008_sessions: nullable or defaulted, so FastAPI Users' inserts stay valid.
      id: 'varchar(64)',
      backend: 'varchar(100)',
      last_used_at: 'timestamp',
      expires_at: 'timestamp',
      user_agent: 'varchar(512)',
      ip: 'varchar(64)',
      auth_time: 'timestamp',
      mfa: 'boolean not null',
      refresh_generation: 'integer',
      refreshed_at: 'timestamp',
    });
    expect(await indexes(db, 'user')).toMatchObject({ ux_user_email_lower: 1 });
    expect(await indexes(db, 'oauth_account')).toMatchObject({
      ix_oauth_account_oauth_name: 0,
      ix_oauth_account_account_id: 0,
      ix_oauth_account_user_id: 0,
    });
    expect(await indexes(db, 'accesstoken')).toMatchObject({
      ix_accesstoken_created_at: 0,
      ix_accesstoken_user_id: 0,
      ux_accesstoken_id: 1,
    });
    const fks = await sql<{ table: string; on_delete: string }>`
      select "table", on_delete from pragma_foreign_key_list('accesstoken')`.execute(db);
    expect(fks.rows).toEqual([{ table: 'user', on_delete: 'CASCADE' }]);
  });

  it('is idempotent: a second run applies nothing and keeps the data', async () => {
    const db = files.open('twice.db');
    await migrateToLatest(db);
    await createSqlUserStore(db).create({ email: 'a@x.io', hashed_password: HASH });
    expect(await migrateToLatest(db)).toEqual([]);
    // Also from a second connection, as a CLI next to the server would.
    expect(await migrateToLatest(files.open('twice.db'))).toEqual([]);
    expect(await createSqlUserStore(db).getByEmail('A@X.IO')).not.toBeNull();
  });

  it('keeps its history apart from the app’s own Kysely migrations', async () => {
    const db = files.open('apart.db');
    const appMigrator = new Migrator({
      db,
      provider: {
        getMigrations: async () => ({
          '2024_01_01_pets': {
            up: async (k: Kysely<unknown>) => {
              await k.schema
                .createTable('pet')
                .addColumn('id', 'integer', (c) => c.primaryKey())
                .execute();
            },
          },
        }),
      },
    });
    expect((await appMigrator.migrateToLatest()).error).toBeUndefined();
    expect(await migrateToLatest(db)).toEqual(await shippedMigrations());
    expect((await appMigrator.migrateToLatest()).error).toBeUndefined();
    expect(await allTableNames(db)).toEqual(
      expect.arrayContaining(['pet', 'portcullis_migration', 'kysely_migration', 'user']),
    );
  });

  it('looks emails up through the case-insensitive unique index', async () => {
    const db = files.open('plan.db');
    await migrateToLatest(db);
    const compiled = db
      .selectFrom('user')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val('A@x.io')])))
      .compile();
    const plan = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    // The store builds the same expression; SQLite must search the index, not scan the table.
    expect(plan.rows.map((r) => r.detail).join('\n')).toContain('USING INDEX ux_user_email_lower');
  });

  it('honours custom table names, index names follow them', async () => {
    const tables = { user: 'app_users', oauthAccount: 'app_oauth', accessToken: 'app_tokens' };
    const db = files.open('renamed.db');
    await migrateToLatest(db, { tables, migrationTableName: 'auth_migration' });
    expect(await allTableNames(db)).toEqual(
      expect.arrayContaining(['app_users', 'app_oauth', 'app_tokens', 'auth_migration']),
    );
    expect(await tableNames(db)).not.toContain('user');
    expect(await indexes(db, 'app_users')).toMatchObject({ ux_app_users_email_lower: 1 });
    const users = createSqlUserStore(db, { tables });
    const tokens = createSqlAccessTokenStore(db, { tables });
    const user = await users.create({ email: 'renamed@x.io', hashed_password: HASH });
    await tokens.create({ token: 'renamed', user_id: user.id });
    await users.delete(user);
    expect(await tokens.getByToken('renamed')).toBeNull();
  });

  it('adds the case-insensitive index to an existing FastAPI Users database', async () => {
    const db = files.open('upstream.db');
    // fastapi-users-db-sqlalchemy 7's DDL on SQLite.
    await sql`CREATE TABLE user (
      id CHAR(36) NOT NULL, email VARCHAR(320) NOT NULL, hashed_password VARCHAR(1024) NOT NULL,
      is_active BOOLEAN NOT NULL, is_superuser BOOLEAN NOT NULL, is_verified BOOLEAN NOT NULL,
      PRIMARY KEY (id))`.execute(db);
    await sql`CREATE UNIQUE INDEX ix_user_email ON user (email)`.execute(db);
    await sql`INSERT INTO user VALUES
      ('1f0c2b58-8e0f-4f43-9d1c-5d8e8e8b0a11', 'Old.User@x.io', ${HASH}, 1, 0, 1)`.execute(db);
    await migrateToLatest(db);
    const users = createSqlUserStore(db);
    const user = await users.getByEmail('old.user@X.IO');
    expect(user).toMatchObject({
      id: '1f0c2b58-8e0f-4f43-9d1c-5d8e8e8b0a11',
      hashed_password: HASH,
      is_verified: true,
    });
    await expect(
      users.create({ email: 'OLD.USER@x.io', hashed_password: HASH }),
    ).rejects.toMatchObject({
      code: 'USER_ALREADY_EXISTS',
    });
  });

  it('exposes the same migrations as a provider for an app-driven Migrator', async () => {
    const db = files.open('provider.db');
    const migrations = await createMigrationProvider({ idType: 'integer' }).getMigrations();
    expect(Object.keys(migrations).slice(0, 4)).toEqual([
      '0001_create_user',
      '0002_create_oauth_account',
      '0003_create_accesstoken',
      '0004_adopt_existing_tables',
    ]);
    const migrator = new Migrator({
      db,
      provider: createMigrationProvider({ idType: 'integer' }),
      migrationTableName: 'portcullis_migration',
      migrationLockTableName: 'portcullis_migration_lock',
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await columns(db, 'user')).toMatchObject({ id: 'integer not null pk' });
    expect(await migrateToLatest(db, { idType: 'integer' })).toEqual([]);
  });
});
