import { afterAll, describe, expect, test } from 'vitest';
import { createSqlSessionStore, createSqlUserStore, migrateToLatest } from '../src/index';
import { readColumns } from '../src/internal/introspect';
import { createTestDatabase, DIALECTS, shippedMigrator, type TestDatabase } from './databases';
import { HASH } from './helpers';

const databases: TestDatabase[] = [];
afterAll(() => Promise.all(databases.map((database) => database.drop())));

describe.each(DIALECTS)('0008_sessions on %s', (dialect) => {
  test('goes down and up again, keeping the tokens a FastAPI Users app wrote meanwhile', async () => {
    const database = await createTestDatabase(dialect);
    databases.push(database);
    const db = database.open();
    await migrateToLatest(db);
    const migrator = await shippedMigrator(db, dialect);
    // Back to before 0008 (the MFA and passkey migrations after it come down first).
    const down = await migrator.migrateTo('0007_create_rate_limit');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((result) => result.migrationName)).toEqual([
      '0010_passkeys',
      '0009_mfa',
      '0008_sessions',
    ]);
    const columns = await readColumns(db, dialect, 'accesstoken');
    expect([...(columns?.keys() ?? [])].sort()).toEqual(['created_at', 'token', 'user_id']);

    // A token inserted while the columns are gone, as FastAPI Users would.
    const user = await createSqlUserStore(db).create({ email: 'down@x.io', hashed_password: HASH });
    await db
      .insertInto('accesstoken')
      .values({
        token: 'between-migrations-token',
        user_id: user.id,
        created_at:
          dialect === 'postgres'
            ? new Date()
            : new Date().toISOString().replace('T', ' ').replace('Z', ''),
      })
      .execute();
    expect(await migrateToLatest(db)).toEqual(['0008_sessions', '0009_mfa', '0010_passkeys']);
    const session = await createSqlSessionStore(db).getByTokenKey('between-migrations-token');
    expect(session).toMatchObject({ user_id: user.id, mfa: false, expires_at: null });
  });
});
