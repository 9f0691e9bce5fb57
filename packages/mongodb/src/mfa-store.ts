import type { MfaRecord, MfaStore, UserId } from '@portcullis/core';
import type { Db, Document, ObjectId, UUID } from 'mongodb';
import { boundedGuard, isDuplicateKey } from './internal/errors';
import { type MongoStoreOptions, resolveOptions } from './options';

/**
 * An `MfaStore` in two collections: `MfaFactor`, one document per user keyed by the user's id
 * (`{totp_secret, pending_secret, enabled_at, last_step, recovery_codes: [digests]}`), and
 * `MfaToken` (`{attempts, spent, expires_at}` per MFA token). Every compare-and-set is one
 * filtered `updateOne` on one document, and a recovery code is consumed with `$pull` under a
 * filter that names it, so of concurrent calls exactly one wins. Secrets arrive sealed by
 * core (docs/mfa.md). With `ensureIndexes({ mfa: true })` a TTL index drops old MFA tokens.
 *
 * @example
 * ```ts
 * await ensureIndexes(db, { mfa: true });
 * const mfa = { store: createMongoMfaStore(db), encryptionKey: process.env.MFA_ENCRYPTION_KEY! };
 * ```
 */
export function createMongoMfaStore(db: Db, options: MongoStoreOptions = {}): MfaStore {
  const { collections, codec, operationTimeoutMs } = resolveOptions(options, 'createMongoMfaStore');
  const guard = boundedGuard(operationTimeoutMs);
  const factors = db.collection<{ _id: ObjectId | UUID } & Document>(collections.mfaFactors);
  const tokens = db.collection<{ _id: string } & Document>(collections.mfaTokens);

  /** The stored form of a user id, or null when it is not an id of this store. */
  const keyOf = (userId: UserId): ObjectId | UUID | null => {
    const parsed = codec.parse(userId);
    return parsed === null ? null : codec.toStored(parsed);
  };

  /** Inserts a document unless one with its `_id` exists; the duplicate's E11000 is the answer. */
  async function insertUnlessPresent(
    collection: typeof factors | typeof tokens,
    doc: Document,
  ): Promise<boolean> {
    try {
      await collection.insertOne(doc as never);
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return false;
    }
  }

  const ensureToken = async (tokenId: string, expiresAt: Date): Promise<void> => {
    await insertUnlessPresent(tokens, {
      _id: tokenId,
      attempts: 0,
      spent: false,
      expires_at: expiresAt,
    });
  };

  return Object.freeze({
    get(userId: UserId): Promise<MfaRecord | null> {
      const id = keyOf(userId);
      if (id === null) return Promise.resolve(null);
      return guard(async () => {
        const doc = await factors.findOne({ _id: { $eq: id } } as Document);
        if (doc === null) return null;
        const codes = Array.isArray(doc.recovery_codes) ? doc.recovery_codes : [];
        return {
          user_id: userId,
          totp_secret: typeof doc.totp_secret === 'string' ? doc.totp_secret : null,
          pending_secret: typeof doc.pending_secret === 'string' ? doc.pending_secret : null,
          enabled_at: doc.enabled_at instanceof Date ? doc.enabled_at : null,
          last_step: typeof doc.last_step === 'number' ? doc.last_step : null,
          recovery_codes_left: codes.length,
        };
      });
    },

    async setPendingSecret(userId: UserId, sealedSecret: string): Promise<void> {
      const id = keyOf(userId);
      if (id === null) return;
      await guard(async () => {
        const filter = { _id: { $eq: id } };
        const set = { $set: { pending_secret: sealedSecret } };
        if ((await factors.updateOne(filter, set)).matchedCount === 1) return;
        const fresh = {
          _id: id,
          totp_secret: null,
          pending_secret: sealedSecret,
          enabled_at: null,
          last_step: null,
          recovery_codes: [],
        };
        // A concurrent first setup inserted it meanwhile: the update now finds it.
        if (!(await insertUnlessPresent(factors, fresh))) await factors.updateOne(filter, set);
      });
    },

    enable(
      userId: UserId,
      pendingSecret: string,
      data: { recoveryCodeDigests: readonly string[]; lastStep: number; at: Date },
    ): Promise<boolean> {
      const id = keyOf(userId);
      if (id === null) return Promise.resolve(false);
      return guard(async () => {
        const result = await factors.updateOne(
          { _id: { $eq: id }, pending_secret: { $eq: pendingSecret }, totp_secret: null },
          {
            $set: {
              totp_secret: pendingSecret,
              pending_secret: null,
              enabled_at: data.at,
              last_step: data.lastStep,
              recovery_codes: [...data.recoveryCodeDigests],
            },
          },
        );
        return result.modifiedCount === 1;
      });
    },

    disable(userId: UserId): Promise<boolean> {
      const id = keyOf(userId);
      if (id === null) return Promise.resolve(false);
      return guard(async () => {
        const enabled = await factors.deleteOne({
          _id: { $eq: id },
          totp_secret: { $ne: null },
        } as Document);
        await factors.deleteOne({ _id: { $eq: id } } as Document);
        return enabled.deletedCount === 1;
      });
    },

    advanceStep(userId: UserId, step: number): Promise<boolean> {
      const id = keyOf(userId);
      if (id === null) return Promise.resolve(false);
      return guard(async () => {
        const result = await factors.updateOne(
          {
            _id: { $eq: id },
            totp_secret: { $ne: null },
            $or: [{ last_step: null }, { last_step: { $lt: step } }],
          },
          { $set: { last_step: step } },
        );
        return result.modifiedCount === 1;
      });
    },

    replaceSecret(userId: UserId, sealedSecret: string, newSealedSecret: string): Promise<boolean> {
      const id = keyOf(userId);
      if (id === null) return Promise.resolve(false);
      return guard(async () => {
        const result = await factors.updateOne(
          { _id: { $eq: id }, totp_secret: { $eq: sealedSecret } },
          { $set: { totp_secret: newSealedSecret } },
        );
        return result.modifiedCount === 1;
      });
    },

    consumeRecoveryCode(userId: UserId, digest: string): Promise<boolean> {
      const id = keyOf(userId);
      if (id === null || typeof digest !== 'string') return Promise.resolve(false);
      return guard(async () => {
        const result = await factors.updateOne(
          { _id: { $eq: id }, recovery_codes: { $eq: digest } },
          { $pull: { recovery_codes: digest } } as Document,
        );
        return result.modifiedCount === 1;
      });
    },

    countTokenAttempt(tokenId: string, limit: number, expiresAt: Date): Promise<boolean> {
      return guard(async () => {
        await ensureToken(tokenId, expiresAt);
        const result = await tokens.updateOne(
          { _id: { $eq: tokenId }, spent: false, attempts: { $lt: limit } },
          { $inc: { attempts: 1 } },
        );
        return result.modifiedCount === 1;
      });
    },

    spendToken(tokenId: string, expiresAt: Date): Promise<boolean> {
      return guard(async () => {
        await ensureToken(tokenId, expiresAt);
        const result = await tokens.updateOne(
          { _id: { $eq: tokenId }, spent: false },
          { $set: { spent: true } },
        );
        return result.modifiedCount === 1;
      });
    },
  });
}
