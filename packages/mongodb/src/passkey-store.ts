import type {
  PasskeyChallenge,
  PasskeyCreateData,
  PasskeyCredential,
  PasskeyStore,
  UserId,
} from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import { Binary, type Db, type Document } from 'mongodb';
import { idOf } from './internal/documents';
import { boundedGuard, isDuplicateKey } from './internal/errors';
import { type MongoStoreOptions, resolveOptions } from './options';

/** Where passkeys and their challenges live, by default. */
export const PASSKEY_COLLECTIONS = Object.freeze({
  passkeys: 'Passkey',
  challenges: 'PasskeyChallenge',
} as const);

export interface MongoPasskeyStoreOptions extends MongoStoreOptions {
  /** Default `Passkey` and `PasskeyChallenge`; pass the same names to `ensureIndexes`. */
  passkeyCollections?: Partial<{ passkeys: string; challenges: string }>;
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Binary) return new Uint8Array(value.buffer);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  return new Uint8Array(0);
}

/**
 * A `PasskeyStore` in two collections (`Passkey`, `PasskeyChallenge` by default). The unique
 * index on `credential_id` that `ensureIndexes(db, { passkeys: true })` builds settles a
 * duplicate registration; a TTL index drops unanswered challenges. Taking a challenge reads it
 * and then deletes it with `deleteOne`: only the call whose delete removed it gets it, so of
 * concurrent takes exactly one wins. A deleted user's passkeys stay until removed, but can no
 * longer log anyone in.
 *
 * @example
 * ```ts
 * await ensureIndexes(db, { passkeys: true });
 * const store = createMongoPasskeyStore(db);
 * ```
 */
export function createMongoPasskeyStore(
  db: Db,
  options: MongoPasskeyStoreOptions = {},
): PasskeyStore {
  const { codec, operationTimeoutMs } = resolveOptions(options, 'createMongoPasskeyStore');
  const guard = boundedGuard(operationTimeoutMs);
  const names = { ...PASSKEY_COLLECTIONS, ...options.passkeyCollections };
  const passkeys = db.collection(names.passkeys);
  const challenges = db.collection(names.challenges);

  const storedUser = (userId: UserId): unknown => {
    const parsed = codec.parse(userId);
    return parsed === null ? null : codec.toStored(parsed);
  };

  const toPasskey = (doc: Document): PasskeyCredential => ({
    id: String(doc.id),
    user_id: idOf(doc.user_id, codec),
    credential_id: String(doc.credential_id),
    public_key: bytesOf(doc.public_key),
    counter: Number(doc.counter),
    transports: Array.isArray(doc.transports) ? doc.transports.map(String) : [],
    name: String(doc.name),
    created_at: doc.created_at as Date,
    last_used_at: doc.last_used_at instanceof Date ? doc.last_used_at : null,
  });

  return Object.freeze({
    create(data: PasskeyCreateData): Promise<PasskeyCredential> {
      const userId = storedUser(data.user_id);
      if (userId === null) {
        return Promise.reject(
          new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'Not a user id of this store'),
        );
      }
      return guard(async () => {
        const doc = {
          id: data.id,
          user_id: userId,
          credential_id: data.credential_id,
          public_key: new Binary(data.public_key),
          counter: data.counter,
          transports: [...data.transports],
          name: data.name,
          created_at: new Date(),
          last_used_at: null,
        };
        try {
          await passkeys.insertOne(doc);
        } catch (error) {
          if (isDuplicateKey(error)) {
            throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS, 'Passkey already registered', {
              cause: error,
            });
          }
          throw error;
        }
        return toPasskey(doc);
      });
    },

    listForUser(userId: UserId): Promise<PasskeyCredential[]> {
      const stored = storedUser(userId);
      if (stored === null) return Promise.resolve([]);
      return guard(async () => {
        const docs = await passkeys.find({ user_id: { $eq: stored } }).toArray();
        // A user has a handful of passkeys: sorted here, no index needed for the order.
        return docs
          .map(toPasskey)
          .sort(
            (a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1),
          );
      });
    },

    getByCredentialId(credentialId: string): Promise<PasskeyCredential | null> {
      return guard(async () => {
        const doc = await passkeys.findOne({ credential_id: { $eq: credentialId } });
        return doc === null ? null : toPasskey(doc);
      });
    },

    recordUse(id: string, counter: number, at: Date): Promise<void> {
      return guard(async () => {
        await passkeys.updateOne({ id: { $eq: id } }, { $set: { counter, last_used_at: at } });
      });
    },

    delete(id: string, userId: UserId): Promise<boolean> {
      const stored = storedUser(userId);
      if (stored === null) return Promise.resolve(false);
      return guard(async () => {
        const result = await passkeys.deleteOne({ id: { $eq: id }, user_id: { $eq: stored } });
        return result.deletedCount === 1;
      });
    },

    putChallenge(challenge: PasskeyChallenge): Promise<void> {
      return guard(async () => {
        await challenges.insertOne({
          _id: challenge.key as unknown as never,
          challenge: challenge.challenge,
          purpose: challenge.purpose,
          user_id: challenge.user_id === null ? null : String(challenge.user_id),
          expires_at: challenge.expires_at,
        });
      });
    },

    takeChallenge(key: string): Promise<PasskeyChallenge | null> {
      return guard(async () => {
        const filter = { _id: { $eq: key as unknown as never } };
        const doc = await challenges.findOne(filter);
        if (doc === null) return null;
        // Only the call whose delete removed it wins.
        if ((await challenges.deleteOne(filter)).deletedCount !== 1) return null;
        const expires = doc.expires_at;
        if (!(expires instanceof Date) || expires.getTime() <= Date.now()) return null;
        return {
          key,
          challenge: String(doc.challenge),
          purpose: doc.purpose === 'register' ? 'register' : 'login',
          user_id: typeof doc.user_id === 'string' ? doc.user_id : null,
          expires_at: expires,
        };
      });
    },
  });
}
