import { defineUserFields } from '@portcullis/core';
import type { StoreSkips } from '@portcullis/testing';
import { storeSuite } from '@portcullis/testing';
import { afterAll } from 'vitest';
import { z } from 'zod';
import type { SqlDialectName } from '../src/index';
import {
  createSqlAccessTokenStore,
  createSqlMfaStore,
  createSqlSessionStore,
  createSqlUserStore,
  migrateToLatest,
} from '../src/index';
import { createTestDatabase, type TestDatabase } from './databases';

const userFields = defineUserFields({
  nickname: z.string().max(50).nullable().default(null),
  karma: z.number().int().default(0),
  newsletter: z.boolean().default(false),
});

// SQLite's lower() folds ASCII letters only, and an application-defined lower() in the index
// would make the file unreadable to every other client (sqlite3, FastAPI Users). See README.
const SQLITE_SKIPS: StoreSkips = {
  'STORE-EMAIL-002': 'SQLite lower() folds ASCII letters only (documented limitation)',
  'STORE-EMAIL-004': 'SQLite lower() folds ASCII letters only (documented limitation)',
};

const NAMES: Record<SqlDialectName, string> = {
  sqlite: 'SQL on SQLite',
  postgres: 'SQL on PostgreSQL',
  mysql: 'SQL on MariaDB/MySQL',
};

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

for (const dialect of ['sqlite', 'postgres', 'mysql'] as const) {
  storeSuite({
    name: NAMES[dialect],
    async create() {
      const database = await createTestDatabase(dialect);
      databases.push(database);
      const db = database.open();
      await migrateToLatest(db, { userFields });
      const users = createSqlUserStore(db, { withOAuthAccounts: true, userFields });
      return {
        users,
        accessTokens: createSqlAccessTokenStore(db),
        mfa: createSqlMfaStore(db),
        // Given the user store: one statement per session check (STORE-SESSION-016…019).
        sessions: createSqlSessionStore(db, { users }),
      };
    },
    skip: dialect === 'sqlite' ? SQLITE_SKIPS : {},
    capabilities: {
      sessions: true,
      sessionsWithUser: true,
      sessionsByIdWithUser: true,
      customFields: {
        create: { nickname: 'Sir Kay', karma: 3, newsletter: true },
        update: { nickname: null, karma: 4, newsletter: false },
      },
      mfa: true,
    },
  });
}
