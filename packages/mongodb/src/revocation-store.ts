import type { TokenRevocationStore } from '@portcullis/core';
import type { Db, Document } from 'mongodb';
import { boundedGuard, isDuplicateKey } from './internal/errors';
import { type MongoStoreOptions, resolveOptions } from './options';

const live = (doc: Document | null): doc is Document =>
  doc !== null && (!(doc.expires_at instanceof Date) || doc.expires_at.getTime() > Date.now());

/**
 * A `TokenRevocationStore` for the JWT strategy's opt-in revocation, in one collection
 * (`JwtRevocation` by default): `{_id: "jti:<jti>", expires_at}` per revoked token and
 * `{_id: "user:<id>", revoked_before, expires_at}` per "log out everywhere". With
 * `ensureIndexes({ revocation: true })` a TTL index drops entries once their tokens expired;
 * reads ignore expired entries meanwhile. Cut-offs only move forward (`$max`), so concurrent
 * calls keep the latest.
 *
 * @example
 * ```ts
 * await ensureIndexes(db, { revocation: true });
 * const strategy = createJwtStrategy({
 *   secret: process.env.SECRET!,
 *   lifetimeSeconds: 3600,
 *   revocation: createMongoRevocationStore(db),
 * });
 * ```
 */
export function createMongoRevocationStore(
  db: Db,
  options: MongoStoreOptions = {},
): TokenRevocationStore {
  const { collections, operationTimeoutMs } = resolveOptions(options, 'createMongoRevocationStore');
  const guard = boundedGuard(operationTimeoutMs);
  const entries = db.collection<{ _id: string } & Document>(collections.revocations);

  /** An upsert racing another on the same `_id` may lose with E11000; once more wins. */
  async function upsert(id: string, update: Document): Promise<void> {
    try {
      await entries.updateOne({ _id: { $eq: id } }, update, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await entries.updateOne({ _id: { $eq: id } }, update, { upsert: true });
    }
  }

  return Object.freeze({
    revoke(jti: string, expiresAt: Date | null): Promise<void> {
      if (expiresAt !== null && expiresAt.getTime() <= Date.now()) return Promise.resolve();
      return guard(() => upsert(`jti:${jti}`, { $set: { expires_at: expiresAt } }));
    },

    isRevoked(jti: string): Promise<boolean> {
      return guard(async () => live(await entries.findOne({ _id: { $eq: `jti:${jti}` } })));
    },

    revokeAllForUser(userId: string, before: Date, expiresAt: Date | null): Promise<void> {
      if (expiresAt !== null && expiresAt.getTime() <= Date.now()) return Promise.resolve();
      // $max on both: an older call landing last neither lowers the cut-off nor shortens the
      // entry's life below the tokens it must still refuse.
      const update =
        expiresAt === null
          ? { $max: { revoked_before: before }, $set: { expires_at: null } }
          : { $max: { revoked_before: before, expires_at: expiresAt } };
      return guard(() => upsert(`user:${userId}`, update));
    },

    revokedBefore(userId: string): Promise<Date | null> {
      return guard(async () => {
        const doc = await entries.findOne({ _id: { $eq: `user:${userId}` } });
        return live(doc) && doc.revoked_before instanceof Date ? doc.revoked_before : null;
      });
    },
  });
}
