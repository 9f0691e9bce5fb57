import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { CollationOptions, Db } from 'mongodb';
import { guard } from './internal/errors';
import { type MongoStoreOptions, resolveOptions } from './options';
import { PASSKEY_COLLECTIONS } from './passkey-store';

/** Beanie's name for FastAPI Users' email index (see docs/contract/behaviour.md#mongodb): an existing one is reused. */
export const EMAIL_INDEX = 'case_insensitive_email_index';

/**
 * Case-insensitive, accent-sensitive comparison (ICU strength 2), as upstream's Beanie
 * settings. Lookups pass the same collation, or MongoDB cannot use the index.
 */
export const EMAIL_COLLATION: Readonly<CollationOptions> = Object.freeze({
  locale: 'en',
  strength: 2,
});

const OAUTH_INDEX = 'oauth_account_index';
const ACCESS_TOKEN_TTL_INDEX = 'created_at_ttl';
const REVOCATION_TTL_INDEX = 'expires_at_ttl';

export interface MongoIndexOptions extends MongoStoreOptions {
  /**
   * The access-token lifetime of the database strategy. When set, a TTL index makes MongoDB
   * delete expired tokens (its monitor runs about once a minute; the store keeps checking the
   * age on read). null (default): tokens live until logout, as upstream.
   */
  accessTokenLifetimeSeconds?: number | null;
  /** Also index the JWT revocation collection (TTL on `expires_at`). Default false. */
  revocation?: boolean;
  /** Also index the MFA token collection (TTL on `expires_at`). Default false. */
  mfa?: boolean;
  /**
   * Also index the passkey collections: unique `credential_id`, `user_id`, and a TTL on the
   * challenges' `expires_at`. Default false.
   */
  passkeys?: boolean | { passkeys?: string; challenges?: string };
}

// IndexOptionsConflict / IndexKeySpecsConflict: an index of that name exists with other options.
const OPTIONS_CONFLICT = new Set([85, 86]);

/**
 * Creates the indexes the stores rely on; call it once at start (it is idempotent). Kept out of
 * the store factories on purpose: building indexes is a deployment step, and a store must not
 * touch the schema behind the app's back.
 * - users: unique `email` with the case-insensitive collation (`case_insensitive_email_index`,
 *   so the database settles registration races), and (provider, account id) for OAuth lookups;
 * - access tokens: unique `token`, `user_id` (log out everywhere), TTL on `created_at` when a
 *   lifetime is given (a changed lifetime is applied with `collMod`);
 * - revocations (opt-in): TTL on `expires_at`;
 * - MFA tokens (opt-in, `mfa: true`): TTL on `expires_at`.
 *
 * @throws the driver's E11000 error when the users already hold two emails differing only in
 *   case (the index cannot be built); SERVICE_UNAVAILABLE when MongoDB is unreachable.
 * @example
 * ```ts
 * const client = await MongoClient.connect(process.env.MONGODB_URL!);
 * await ensureIndexes(client.db(), { accessTokenLifetimeSeconds: 3600 });
 * ```
 */
export async function ensureIndexes(db: Db, options: MongoIndexOptions = {}): Promise<void> {
  const { collections } = resolveOptions(options);
  const lifetime = options.accessTokenLifetimeSeconds ?? null;
  if (lifetime !== null && (!Number.isSafeInteger(lifetime) || lifetime <= 0)) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'accessTokenLifetimeSeconds must be a positive whole number of seconds or null',
    );
  }
  await guard(async () => {
    const users = db.collection(collections.users);
    await users.createIndex(
      { email: 1 },
      { name: EMAIL_INDEX, unique: true, collation: { ...EMAIL_COLLATION } },
    );
    // Not unique: for fields inside one array MongoDB indexes every combination of the
    // elements' values, so a unique index would refuse valid links. $elemMatch uses it.
    await users.createIndex(
      { 'oauth_accounts.oauth_name': 1, 'oauth_accounts.account_id': 1 },
      { name: OAUTH_INDEX },
    );
    const tokens = db.collection(collections.accessTokens);
    await tokens.createIndex({ token: 1 }, { unique: true });
    await tokens.createIndex({ user_id: 1 });
    if (lifetime !== null) {
      await createOrResizeTtl(
        db,
        collections.accessTokens,
        'created_at',
        ACCESS_TOKEN_TTL_INDEX,
        lifetime,
      );
    }
    if (options.revocation) {
      await createOrResizeTtl(db, collections.revocations, 'expires_at', REVOCATION_TTL_INDEX, 0);
    }
    if (options.mfa) {
      await createOrResizeTtl(db, collections.mfaTokens, 'expires_at', REVOCATION_TTL_INDEX, 0);
    }
    if (options.passkeys) {
      const names = {
        ...PASSKEY_COLLECTIONS,
        ...(options.passkeys === true ? {} : options.passkeys),
      };
      const passkeys = db.collection(names.passkeys);
      await passkeys.createIndex({ credential_id: 1 }, { unique: true });
      await passkeys.createIndex({ user_id: 1 });
      await createOrResizeTtl(db, names.challenges, 'expires_at', REVOCATION_TTL_INDEX, 0);
    }
  });
}

async function createOrResizeTtl(
  db: Db,
  collection: string,
  field: string,
  name: string,
  seconds: number,
): Promise<void> {
  try {
    await db
      .collection(collection)
      .createIndex({ [field]: 1 }, { name, expireAfterSeconds: seconds });
  } catch (error) {
    if (!OPTIONS_CONFLICT.has((error as { code?: number }).code ?? 0)) throw error;
    // The lifetime changed since the index was built: collMod changes it in place.
    await db.command({ collMod: collection, index: { name, expireAfterSeconds: seconds } });
  }
}
