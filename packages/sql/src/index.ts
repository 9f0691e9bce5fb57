// Access tokens (database strategy)
export type { SqlAccessTokenStoreOptions } from './access-token-store';
export { createSqlAccessTokenStore } from './access-token-store';

// Id codecs
export type { IdCodec } from './id';
export { integerIdCodec, parseIntegerId, parseUuid, uuidIdCodec } from './id';

// Migrations
export type { SqlMigrationOptions } from './migrations';
export { createMigrationProvider, DEFAULT_MIGRATION_TABLE, migrateToLatest } from './migrations';

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

// Users and OAuth accounts
export type { SqlUserStoreOptions } from './user-store';
export { createSqlUserStore } from './user-store';
