import type { AccessTokenRecord, AccessTokenStore, UserId } from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { Db, Document } from 'mongodb';
import { idOf } from './internal/documents';
import { boundedGuard } from './internal/errors';
import { type MongoStoreOptions, resolveOptions } from './options';

/**
 * An `AccessTokenStore` for the database strategy: documents `{token, user_id, created_at}` as
 * FastAPI Users' Beanie access tokens (see docs/contract/behaviour.md#mongodb), in `AccessToken` by default. `delete` is
 * one `deleteOne`, so of two concurrent logouts exactly one reports `true`. With
 * `ensureIndexes({ accessTokenLifetimeSeconds })` MongoDB also drops expired tokens.
 *
 * @example
 * ```ts
 * const tokens = createMongoAccessTokenStore(db);
 * const strategy = createDatabaseStrategy({ store: tokens, lifetimeSeconds: 3600 });
 * ```
 */
export function createMongoAccessTokenStore(
  db: Db,
  options: MongoStoreOptions = {},
): AccessTokenStore {
  const { collections, codec, operationTimeoutMs } = resolveOptions(
    options,
    'createMongoAccessTokenStore',
  );
  const guard = boundedGuard(operationTimeoutMs);
  const tokens = db.collection(collections.accessTokens);

  const toRecord = (doc: Document | null): AccessTokenRecord | null => {
    if (doc === null || !(doc.created_at instanceof Date)) return null;
    return {
      token: String(doc.token),
      user_id: idOf(doc.user_id, codec),
      created_at: doc.created_at,
    };
  };

  return Object.freeze({
    getByToken(token: string, maxAge?: Date): Promise<AccessTokenRecord | null> {
      if (typeof token !== 'string') return Promise.resolve(null);
      if (maxAge !== undefined && Number.isNaN(maxAge.getTime())) return Promise.resolve(null);
      const filter: Document = { token: { $eq: token } };
      if (maxAge !== undefined) filter.created_at = { $gte: maxAge };
      return guard(async () => toRecord(await tokens.findOne(filter)));
    },

    create(data: { token: string; user_id: UserId }): Promise<AccessTokenRecord> {
      const userId = codec.parse(data.user_id);
      if (userId === null || typeof data.token !== 'string') {
        return Promise.reject(
          new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'Not a user id of this store'),
        );
      }
      return guard(async () => {
        const doc = { token: data.token, user_id: codec.toStored(userId), created_at: new Date() };
        await tokens.insertOne(doc);
        return { token: doc.token, user_id: userId, created_at: doc.created_at };
      });
    },

    delete(token: string): Promise<boolean> {
      if (typeof token !== 'string') return Promise.resolve(false);
      return guard(
        async () => (await tokens.deleteOne({ token: { $eq: token } })).deletedCount === 1,
      );
    },

    deleteAllForUser(userId: UserId): Promise<number> {
      const id = codec.parse(userId);
      if (id === null) return Promise.resolve(0);
      return guard(
        async () =>
          (await tokens.deleteMany({ user_id: { $eq: codec.toStored(id) } })).deletedCount,
      );
    },
  });
}
