// Access tokens (database strategy)
export { createMongoAccessTokenStore } from './access-token-store';

// Ids
export type { MongoIdCodec, MongoIdType } from './id';
export { mongoIdCodec } from './id';

// Indexes
export type { MongoIndexOptions } from './indexes';
export { EMAIL_COLLATION, EMAIL_INDEX, ensureIndexes } from './indexes';

// Second factors (TOTP secrets, recovery codes, MFA token attempts)
export { createMongoMfaStore } from './mfa-store';

// Options
export type { MongoCollectionNames, MongoStoreOptions } from './options';
export { DEFAULT_COLLECTION_NAMES } from './options';

// Passkeys
export type { MongoPasskeyStoreOptions } from './passkey-store';
export { createMongoPasskeyStore, PASSKEY_COLLECTIONS } from './passkey-store';

// JWT revocation list
export { createMongoRevocationStore } from './revocation-store';

// Users and OAuth accounts
export type { MongoUserStoreOptions } from './user-store';
export { createMongoUserStore } from './user-store';
