// Access tokens (database strategy)
export type { SqlAccessTokenStoreOptions } from './access-token-store';
export { createSqlAccessTokenStore } from './access-token-store';

// Connection options and dialects
export type { SqlConnectOptions } from './connect-options';
export { redactDatabaseUrl } from './connect-options';
export type { SqlDialectName } from './dialect';
export { detectDialect } from './dialect';

// Id codecs
export type { IdCodec } from './id';
export { integerIdCodec, parseIntegerId, parseUuid, uuidIdCodec } from './id';

// Second factors (TOTP secrets, recovery codes, MFA token attempts)
export type { SqlMfaStoreOptions } from './mfa-store';
export { createSqlMfaStore, MFA_TABLES } from './mfa-store';

// Migrations
export type { MigrationPlan, PlannedStatement, SqlMigrationOptions } from './migrations';
export {
  createMigrationProvider,
  DEFAULT_MIGRATION_TABLE,
  migrateToLatest,
  planMigrations,
} from './migrations';

// Opening a database: from a URL, MySQL/MariaDB, PostgreSQL
export { openMysql } from './mysql';
export type { OpenSqlDatabaseOptions } from './open-database';
export { dialectOfUrl, openSqlDatabase } from './open-database';
export { openPostgres } from './postgres';
// Rate-limit store: login throttling and per-address limits shared by every instance
export type { SqlPasskeyStoreOptions } from './passkey-store';
export { createSqlPasskeyStore, PASSKEY_TABLES } from './passkey-store';
export type { SqlRateLimitStore, SqlRateLimitStoreOptions } from './rate-limit-store';
export { createSqlRateLimitStore, RATE_LIMIT_TABLE } from './rate-limit-store';
// JWT revocation list
export type { SqlRevocationStore, SqlRevocationStoreOptions } from './revocation-store';
export { createSqlRevocationStore, REVOCATION_TABLES } from './revocation-store';
// Sessions (database strategy, refresh tokens), on the access-token table
export type { SqlSessionStore, SqlSessionStoreOptions } from './session-store';
export { createSqlSessionStore } from './session-store';
// Schema
export type {
  AccessTokenTable,
  OAuthAccountTable,
  PortcullisDatabase,
  SqlBoolean,
  SqlId,
  SqlIdType,
  SqlSchemaOptions,
  SqlTableNames,
  UserTable,
} from './schema';
export { DEFAULT_TABLE_NAMES } from './schema';
// SQLite connections
export type { SqliteConnectionLike, SqliteConnectionOptions } from './sqlite';
export { configureSqliteConnection, openSqlite } from './sqlite';
// Custom user fields: the columns of core's `defineUserFields` declaration
export type { SqlColumnKind, SqlUserColumn, UserColumnsOptions } from './user-fields';
export { userColumns } from './user-fields';
// Users and OAuth accounts
export type { SqlUserStoreOptions } from './user-store';
export { createSqlUserStore } from './user-store';
