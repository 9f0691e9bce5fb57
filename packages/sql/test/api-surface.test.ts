// The runtime export names of the published package, sorted: a change to the public API
// must show up here as a deliberate edit (issue 8). Type-only exports are invisible at
// runtime; the published .d.ts is checked by attw and the pack-and-install test.
import * as api from '@portcullis/sql';
import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'DEFAULT_MIGRATION_TABLE',
  'DEFAULT_TABLE_NAMES',
  'MFA_TABLES',
  'PASSKEY_TABLES',
  'RATE_LIMIT_TABLE',
  'REVOCATION_TABLES',
  'configureSqliteConnection',
  'createMigrationProvider',
  'createSqlAccessTokenStore',
  'createSqlMfaStore',
  'createSqlPasskeyStore',
  'createSqlRateLimitStore',
  'createSqlRevocationStore',
  'createSqlSessionStore',
  'createSqlUserStore',
  'detectDialect',
  'dialectOfUrl',
  'integerIdCodec',
  'migrateToLatest',
  'openMysql',
  'openPostgres',
  'openSqlDatabase',
  'openSqlite',
  'parseIntegerId',
  'parseUuid',
  'planMigrations',
  'redactDatabaseUrl',
  'userColumns',
  'uuidIdCodec',
];

describe('@portcullis/sql public API', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED);
  });
});
