import { ErrorCode } from '@portcullis/core';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase, SqlDialectName } from '../src/index';
import {
  createSqlAccessTokenStore,
  createSqlUserStore,
  migrateToLatest,
  planMigrations,
} from '../src/index';
import { readColumns } from '../src/internal/introspect';
import { createTestDatabase, shippedMigrations, type TestDatabase } from './databases';

type Db = Kysely<PortcullisDatabase>;

let ALL: string[] = [];
beforeAll(async () => {
  ALL = await shippedMigrations();
});

async function columnTypes(db: Db, dialect: SqlDialectName, table: string) {
  const columns = await readColumns(db, dialect, table);
  return Object.fromEntries(
    [...(columns ?? new Map())].map(([name, c]) => [
      name,
      `${c.dataType}${c.maxLength ? `(${c.maxLength})` : ''}${c.nullable ? '' : ' not null'}`,
    ]),
  );
}

/** ON DELETE rules of the foreign keys of a table, from information_schema. */
async function deleteRules(db: Db, dialect: SqlDialectName, table: string): Promise<string[]> {
  const here = dialect === 'postgres' ? sql`current_schema()` : sql`database()`;
  const result = await sql<{ rule: string }>`
    select rc.delete_rule as rule from information_schema.referential_constraints rc
    join information_schema.table_constraints tc
      on tc.constraint_name = rc.constraint_name and tc.constraint_schema = rc.constraint_schema
    where tc.table_name = ${table} and tc.constraint_schema = ${here}`.execute(db);
  return result.rows.map((r) => r.rule);
}

const EXPECTED: Record<'postgres' | 'mysql', Record<string, Record<string, string>>> = {
  postgres: {
    user: {
      id: 'uuid not null',
      email: 'character varying(320) not null',
      hashed_password: 'character varying(1024) not null',
      is_active: 'boolean not null',
    },
    oauth_account: {
      access_token: 'text not null',
      refresh_token: 'text',
      user_id: 'uuid not null',
    },
    accesstoken: {
      token: 'character varying(255) not null',
      created_at: 'timestamp with time zone not null',
    },
  },
  mysql: {
    user: {
      id: 'char(36) not null',
      email: 'varchar(320) not null',
      is_active: 'tinyint not null',
    },
    oauth_account: { access_token: 'text(65535) not null', user_id: 'char(36) not null' },
    accesstoken: { token: 'varchar(255) not null', created_at: 'datetime not null' },
  },
};

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`migrateToLatest on ${dialect}`, () => {
    let database: TestDatabase;
    let db: Db;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      db = database.open();
    });
    afterAll(() => database.drop());

    it('lets exactly one of two concurrent callers apply the migrations', async () => {
      const [a, b] = await Promise.all([migrateToLatest(db), migrateToLatest(database.open())]);
      expect([a, b].sort((x, y) => y.length - x.length)).toEqual([ALL, []]);
      expect(await migrateToLatest(db)).toEqual([]);
      expect((await planMigrations(db)).pending).toEqual([]);
    });

    it('creates the dialect’s column types, cascading foreign keys and indexes', async () => {
      for (const [table, expected] of Object.entries(EXPECTED[dialect])) {
        expect(await columnTypes(db, dialect, table), table).toMatchObject(expected);
      }
      expect(await deleteRules(db, dialect, 'oauth_account')).toEqual(['CASCADE']);
      expect(await deleteRules(db, dialect, 'accesstoken')).toEqual(['CASCADE']);
      if (dialect === 'mysql') {
        const user = await readColumns(db, dialect, 'user');
        // Case-insensitive, accent-sensitive, NO PAD: see the README.
        expect(user?.get('email')?.collation).toBe('utf8mb4_uca1400_nopad_as_ci');
        const tokens = await readColumns(db, dialect, 'accesstoken');
        expect(tokens?.get('token')?.collation).toBe('utf8mb4_bin');
      }
    });

    it('uses integer ids from the database on request, never reusing a deleted one', async () => {
      const options = {
        idType: 'integer' as const,
        tables: { user: 'int_user', oauthAccount: 'int_oauth', accessToken: 'int_token' },
        migrationTableName: 'int_migration',
      };
      expect(await migrateToLatest(db, options)).toEqual(ALL);
      const users = createSqlUserStore(db, options);
      const tokens = createSqlAccessTokenStore(db, options);
      const first = await users.create({ email: 'one@camelot.bt', hashed_password: 'h' });
      expect(typeof first.id).toBe('number');
      await tokens.create({ token: 'int-token', user_id: String(first.id) });
      await users.delete(first);
      expect(await tokens.getByToken('int-token')).toBeNull();
      const second = await users.create({ email: 'two@camelot.bt', hashed_password: 'h' });
      expect(Number(second.id)).toBeGreaterThan(Number(first.id));
      expect(await users.get(String(second.id))).toEqual(second);
    });

    it('creates the tables a FastAPI Users database lacks, referencing its users', async () => {
      const tables = { user: 'fu_user', oauthAccount: 'fu_oauth', accessToken: 'fu_token' };
      // An app that used neither OAuth nor the database strategy: only the user table.
      const user = dialect === 'mysql' ? sql.raw('`fu_user`') : sql.raw('"fu_user"');
      const id = dialect === 'mysql' ? sql.raw('CHAR(36)') : sql.raw('UUID');
      // MySQL: the server default collation, unlike the binary default of our own tables.
      await sql`CREATE TABLE ${user} (id ${id} NOT NULL, email VARCHAR(320) NOT NULL,
        hashed_password VARCHAR(1024) NOT NULL, is_active BOOLEAN NOT NULL,
        is_superuser BOOLEAN NOT NULL, is_verified BOOLEAN NOT NULL, PRIMARY KEY (id))`.execute(db);
      expect(await migrateToLatest(db, { tables, migrationTableName: 'fu_migration' })).toEqual(
        ALL,
      );
      const users = createSqlUserStore(db, { tables, withOAuthAccounts: true });
      const created = await users.create({ email: 'Adopted@camelot.bt', hashed_password: 'h' });
      await createSqlAccessTokenStore(db, { tables }).create({ token: 't', user_id: created.id });
      await expect(
        users.create({ email: 'ADOPTED@camelot.bt', hashed_password: 'h' }),
      ).rejects.toMatchObject({ code: ErrorCode.USER_ALREADY_EXISTS });
    });
  });
}
