// Access tokens (database strategy)
export { createMongoAccessTokenStore } from './access-token-store';

// Ids
export type { MongoIdCodec, MongoIdType } from './id';
export { mongoIdCodec } from './id';

// Indexes
export type { MongoIndexOptions } from './indexes';
export { EMAIL_COLLATION, EMAIL_INDEX, ensureIndexes } from './indexes';

// Options
export type { MongoCollectionNames, MongoStoreOptions } from './options';
export { DEFAULT_COLLECTION_NAMES } from './options';

// Sessions (database strategy, refresh tokens), in the access-token collection
export type { MongoSessionStoreOptions } from './session-store';
export { createMongoSessionStore } from './session-store';

// JWT revocation list
export { createMongoRevocationStore } from './revocation-store';

// Users and OAuth accounts
export type { MongoUserStoreOptions } from './user-store';
export { createMongoUserStore } from './user-store';
