import { sessionDumpSuite, sessionLifecycleSuite } from '@portcullis/testing';
import { afterAll } from 'vitest';
import { createSqlSessionStore, createSqlUserStore, migrateToLatest } from '../src/index';
import { createTestDatabase, DIALECTS, type TestDatabase } from './databases';

const databases: TestDatabase[] = [];
afterAll(() => Promise.all(databases.map((database) => database.drop())));

// The dump is the whole access-token table, every column, as a backup would hold it.
for (const dialect of DIALECTS) {
  sessionDumpSuite({
    name: dialect,
    async create() {
      const database = await createTestDatabase(dialect);
      databases.push(database);
      const db = database.open();
      await migrateToLatest(db);
      return {
        users: createSqlUserStore(db),
        sessions: createSqlSessionStore(db),
        dump: () => db.selectFrom('accesstoken').selectAll().execute(),
      };
    },
  });
}

for (const dialect of DIALECTS) {
  sessionLifecycleSuite({
    name: dialect,
    async create() {
      const database = await createTestDatabase(dialect);
      databases.push(database);
      const db = database.open();
      await migrateToLatest(db);
      return { users: createSqlUserStore(db), sessions: createSqlSessionStore(db) };
    },
  });
}
