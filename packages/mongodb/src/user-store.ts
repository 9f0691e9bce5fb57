import type {
  OAuthAccount,
  OAuthAccountData,
  UpdateCondition,
  UserCreateData,
  UserFieldShape,
  UserFields,
  UserId,
  UserOfShape,
  UserStore,
  UserUpdateData,
} from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { Db, Document, Filter, ObjectId, UpdateFilter, UUID } from 'mongodb';
import { EMAIL_COLLATION, EMAIL_INDEX } from './indexes';
import {
  pickAccountFields,
  pickUserFields,
  resolveCustomFields,
  toUser,
} from './internal/documents';
import { boundedGuard } from './internal/errors';
import { type MongoStoreOptions, resolveOptions } from './options';
import { PASSKEY_COLLECTIONS } from './passkey-store';

export interface MongoUserStoreOptions<S extends UserFieldShape = UserFieldShape>
  extends MongoStoreOptions {
  /**
   * The app's own user fields (core's `defineUserFields`): the store reads and writes them as
   * they are (a field missing from an older document reads as null), and its users are typed
   * from it. Other keys are ignored, as FastAPI Users' adapter ignores attributes that are not
   * fields.
   */
  userFields?: UserFields<S>;
  /**
   * The passkey collection's name when `createMongoPasskeyStore` was given another one: a
   * deleted user's passkeys are deleted there. Default `Passkey`.
   */
  passkeyCollections?: Partial<{ passkeys: string }>;
}

const FLAG_DEFAULTS = Object.freeze({ is_active: true, is_superuser: false, is_verified: false });

/** A user document (see docs/contract/behaviour.md#mongodb): the app's custom fields sit next to the built-in ones. */
interface UserDocument extends Document {
  _id: ObjectId | UUID;
  oauth_accounts: Document[];
}

/**
 * A `UserStore` on the official driver: users in one collection (`User` by default) with their
 * OAuth accounts embedded in `oauth_accounts`, as FastAPI Users' Beanie adapter (see docs/contract/behaviour.md#mongodb).
 * Run `ensureIndexes` once: its unique, case-insensitive email index is what makes registration
 * races have exactly one winner. Every query value is a typed literal under `$eq`: a value
 * shaped like `{"$ne": null}` is compared as a value, never run as an operator.
 *
 * @example
 * ```ts
 * const client = await MongoClient.connect(process.env.MONGODB_URL!);
 * const db = client.db();
 * await ensureIndexes(db);
 * const users = createMongoUserStore(db);
 * await users.getByEmail('KING.ARTHUR@camelot.bt'); // finds king.arthur@camelot.bt
 * ```
 */
export function createMongoUserStore<S extends UserFieldShape = UserFieldShape>(
  db: Db,
  options: MongoUserStoreOptions<S> = {},
): UserStore<UserOfShape<S>> {
  type U = UserOfShape<S>;
  const { collections, codec, operationTimeoutMs } = resolveOptions(
    options,
    'createMongoUserStore',
  );
  const guard = boundedGuard(operationTimeoutMs);
  const customFields = resolveCustomFields(
    options.userFields?.names.filter((name) => name !== 'oauth_accounts'),
  );
  const users = db.collection<UserDocument>(collections.users);
  const tokens = db.collection(collections.accessTokens);
  const mfaFactors = db.collection<{ _id: ObjectId | UUID } & Document>(collections.mfaFactors);
  const passkeys = db.collection(
    options.passkeyCollections?.passkeys ?? PASSKEY_COLLECTIONS.passkeys,
  );
  const context = { emailIndex: EMAIL_INDEX };
  // The stored document holds the app's declared fields; U is the app's promise about them.
  const toRecord = (doc: Document | null): U | null =>
    doc === null ? null : (toUser(doc, codec, customFields) as U);

  function byId(value: unknown): Filter<UserDocument> | null {
    const id = codec.parse(value);
    return id === null ? null : { _id: { $eq: codec.toStored(id) } };
  }

  async function readExisting(filter: Filter<UserDocument>): Promise<U> {
    const user = toRecord(await users.findOne(filter));
    if (user === null) {
      throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'The user does not exist');
    }
    return user;
  }

  function requireId(user: U): Filter<UserDocument> {
    const filter = byId(user.id);
    if (filter === null) {
      throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'Not an id of this store');
    }
    return filter;
  }

  return Object.freeze({
    get(id: UserId): Promise<U | null> {
      const filter = byId(id);
      if (filter === null) return Promise.resolve(null);
      return guard(async () => toRecord(await users.findOne(filter)));
    },

    getByEmail(email: string): Promise<U | null> {
      if (typeof email !== 'string') return Promise.resolve(null);
      // The index's collation, so the lookup is case-insensitive and uses that index.
      return guard(async () =>
        toRecord(await users.findOne({ email: { $eq: email } }, { collation: EMAIL_COLLATION })),
      );
    },

    getByOAuthAccount(oauthName: string, accountId: string): Promise<U | null> {
      if (typeof oauthName !== 'string' || typeof accountId !== 'string') {
        return Promise.resolve(null);
      }
      return guard(async () => {
        // $elemMatch: both values in the same account. Upstream's dotted-path query matches
        // a provider name of one account and an account id of another (see docs/contract/quirks.md#mongodb-elemmatch).
        const docs = await users
          .find({
            oauth_accounts: {
              $elemMatch: { oauth_name: { $eq: oauthName }, account_id: { $eq: accountId } },
            },
          })
          .limit(2)
          .toArray();
        if (docs.length > 1) {
          throw new PortcullisError(
            ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED,
            'This OAuth account is linked to more than one user',
          );
        }
        return toRecord(docs[0] ?? null);
      });
    },

    create(data: UserCreateData): Promise<U> {
      return guard(async () => {
        const doc: UserDocument = {
          _id: codec.generate(),
          ...FLAG_DEFAULTS,
          ...pickUserFields(data, customFields),
          oauth_accounts: [],
        };
        if (typeof doc.email !== 'string' || typeof doc.hashed_password !== 'string') {
          throw new PortcullisError(
            ErrorCode.BAD_REQUEST,
            'email and hashed_password are required',
          );
        }
        await users.insertOne(doc);
        return toRecord(doc) as U;
      }, context);
    },

    update(user: U, data: UserUpdateData, condition?: UpdateCondition): Promise<U | null> {
      const idFilter = byId(user.id);
      if (idFilter === null) return Promise.resolve(null);
      return guard(async () => {
        const set = pickUserFields(data, customFields);
        const filter: Filter<UserDocument> = { ...idFilter };
        // Compare-and-set in the filter of the one atomic findOneAndUpdate: of concurrent
        // updates under one condition (a reset's old hash, verify's is_verified: false), the
        // later ones match no document.
        if (condition?.hashedPassword !== undefined) {
          filter.hashed_password = { $eq: condition.hashedPassword };
        }
        // Reads treat anything but `true` as unverified (a document written without the
        // field), so the filter does too.
        if (condition?.isVerified === true) filter.is_verified = { $eq: true };
        if (condition?.isVerified === false) filter.is_verified = { $ne: true };
        if (Object.keys(set).length === 0) return toRecord(await users.findOne(filter));
        return toRecord(
          await users.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' }),
        );
      }, context);
    },

    delete(user: U): Promise<void> {
      const id = codec.parse(user.id);
      if (id === null) return Promise.resolve();
      // OAuth accounts are embedded and go with the user; sessions, the second factor and
      // passkeys live in other collections and follow in a second step (SQL's ON DELETE
      // CASCADE). If that step fails, the leftovers name an id never reused, so they resolve
      // to no user.
      return guard(async () => {
        const owner = { $eq: codec.toStored(id) };
        await users.deleteOne({ _id: owner });
        await Promise.all([
          tokens.deleteMany({ user_id: owner }),
          mfaFactors.deleteOne({ _id: owner }),
          passkeys.deleteMany({ user_id: owner }),
        ]);
      });
    },

    addOAuthAccount(user: U, data: OAuthAccountData): Promise<U> {
      return guard(async () => {
        const filter = requireId(user);
        const account = { id: codec.generate(), ...pickAccountFields(data) };
        // Typed as a plain Document: the driver's $push typing rejects arrays of sub-documents
        // on a schema with an index signature.
        const push: Document = { $push: { oauth_accounts: account } };
        const doc = await users.findOneAndUpdate(filter, push as UpdateFilter<UserDocument>, {
          returnDocument: 'after',
        });
        if (doc === null) {
          throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'The user does not exist');
        }
        return toRecord(doc) as U;
      });
    },

    updateOAuthAccount(
      user: U,
      account: OAuthAccount,
      data: Partial<OAuthAccountData>,
    ): Promise<U> {
      return guard(async () => {
        const filter = requireId(user);
        const accountId = codec.parse(account.id);
        const fields = pickAccountFields(data);
        if (accountId === null || Object.keys(fields).length === 0) return readExisting(filter);
        // The positional `$` updates the one embedded account the filter matched, scoped to
        // this user, so an account id from elsewhere cannot touch another user's link.
        const set: Document = {};
        for (const [key, value] of Object.entries(fields)) set[`oauth_accounts.$.${key}`] = value;
        const doc = await users.findOneAndUpdate(
          { ...filter, 'oauth_accounts.id': { $eq: codec.toStored(accountId) } },
          { $set: set },
          { returnDocument: 'after' },
        );
        return doc === null ? readExisting(filter) : (toRecord(doc) as U);
      });
    },

    parseId(value: string): UserId | null {
      return codec.parse(value);
    },
  });
}
