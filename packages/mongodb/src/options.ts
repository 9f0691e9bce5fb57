import { ErrorCode, PortcullisError } from '@portcullis/core';
import { DEFAULT_STORE_TIMEOUT_MS, timeoutOption } from '@portcullis/core/adapter';
import { type MongoIdCodec, type MongoIdType, mongoIdCodec } from './id';

/** Collection names. */
export interface MongoCollectionNames {
  users: string;
  accessTokens: string;
  revocations: string;
  /** Second factors, one document per user (`createMongoMfaStore`). */
  mfaFactors: string;
  /** Attempt counters of MFA tokens (`createMongoMfaStore`). */
  mfaTokens: string;
}

/**
 * The names Beanie gives FastAPI Users' documented models (`User`, `AccessToken`; Beanie names a
 * collection after its document class, docs/contract/behaviour.md#mongodb), so an existing database works unchanged;
 * `JwtRevocation`, `MfaFactor` and `MfaToken` are ours.
 */
export const DEFAULT_COLLECTION_NAMES: Readonly<MongoCollectionNames> = Object.freeze({
  users: 'User',
  accessTokens: 'AccessToken',
  revocations: 'JwtRevocation',
  mfaFactors: 'MfaFactor',
  mfaTokens: 'MfaToken',
});

/** Options every store and `ensureIndexes` share; pass the same values to all of them. */
export interface MongoStoreOptions {
  collections?: Partial<MongoCollectionNames>;
  /** Default `objectId`. */
  idType?: MongoIdType;
  /**
   * How long one store call may wait for MongoDB, in milliseconds, before it fails with
   * SERVICE_UNAVAILABLE (503), whatever the client's own timeouts. Default 5 000. Not applied
   * to `ensureIndexes`, whose index builds may take longer.
   */
  operationTimeoutMs?: number;
}

export interface ResolvedMongoOptions {
  readonly collections: Readonly<MongoCollectionNames>;
  readonly codec: MongoIdCodec;
  readonly operationTimeoutMs: number;
}

/** MongoDB collection names: no `$`, no NUL, not empty, not `system.` (MongoDB naming rules). */
function assertCollectionName(name: unknown, what: string): asserts name is string {
  if (
    typeof name !== 'string' ||
    name === '' ||
    name.includes('$') ||
    name.includes('\u0000') ||
    name.startsWith('system.')
  ) {
    throw new PortcullisError(ErrorCode.CONFIGURATION, `${what} is not a valid collection name`);
  }
}

/**
 * Validates and freezes the shared options.
 *
 * @throws a CONFIGURATION PortcullisError naming `caller` and the option at fault.
 */
export function resolveOptions(
  options: MongoStoreOptions = {},
  caller = 'ensureIndexes',
): ResolvedMongoOptions {
  const collections = { ...DEFAULT_COLLECTION_NAMES, ...options.collections };
  assertCollectionName(collections.users, 'collections.users');
  assertCollectionName(collections.accessTokens, 'collections.accessTokens');
  assertCollectionName(collections.revocations, 'collections.revocations');
  assertCollectionName(collections.mfaFactors, 'collections.mfaFactors');
  assertCollectionName(collections.mfaTokens, 'collections.mfaTokens');
  const idType = options.idType ?? 'objectId';
  if (idType !== 'objectId' && idType !== 'uuid') {
    throw new PortcullisError(ErrorCode.CONFIGURATION, 'idType must be "objectId" or "uuid"');
  }
  return Object.freeze({
    collections: Object.freeze(collections),
    codec: mongoIdCodec(idType),
    operationTimeoutMs: timeoutOption(
      options.operationTimeoutMs,
      DEFAULT_STORE_TIMEOUT_MS,
      'operationTimeoutMs',
      caller,
    ),
  });
}
