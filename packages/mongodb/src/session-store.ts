import { randomBytes } from 'node:crypto';
import type { SessionCreateData, SessionRecord, SessionStore, UserId } from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import { clipUserAgent } from '@portcullis/core/adapter';
import { adoptedSessionId } from '@portcullis/core/node';
import type { Db, Document } from 'mongodb';
import { idOf } from './internal/documents';
import { boundedGuard } from './internal/errors';
import { type MongoStoreOptions, resolveOptions } from './options';

export interface MongoSessionStoreOptions extends MongoStoreOptions {
  /**
   * The `backend` reported for tokens a FastAPI Users app inserted (they have none). Default
   * `database`; give the name of the Portcullis backend that shares those tokens.
   */
  adoptedBackend?: string;
}

/**
 * Marks a session without a token key (its access tokens are JWTs): `token` is unique, so it
 * holds a random value nobody is ever given. `~` appears in neither SHA-256 hex nor URL-safe
 * tokens, so no presented token can match one.
 */
const NO_TOKEN = '~';

const usable = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && !value.startsWith(NO_TOKEN);

const dateOrNull = (value: unknown): Date | null => (value instanceof Date ? value : null);

/**
 * A `SessionStore` in the access-token collection (`AccessToken`, FastAPI Users' Beanie
 * documents `{token, user_id, created_at}`), each session a document with the session fields
 * beside those three, under `session_id` (Beanie's `_id` stays an ObjectId, so a FastAPI Users
 * app reading the collection still parses every document). Tokens FastAPI Users inserted are
 * sessions too, with an id derived from the token the first time the store reads them
 * (docs/sessions-storage.md). Every method sees live sessions only; `delete` is one
 * `deleteOne` and `advanceRefresh` one filtered `updateOne`, so of concurrent calls exactly
 * one wins. Run `ensureIndexes` for the unique `session_id` and the TTL on `expires_at`.
 *
 * @example
 * ```ts
 * await ensureIndexes(db);
 * const sessions = createMongoSessionStore(db);
 * ```
 */
export function createMongoSessionStore(
  db: Db,
  options: MongoSessionStoreOptions = {},
): SessionStore {
  const { collections, codec, operationTimeoutMs } = resolveOptions(
    options,
    'createMongoSessionStore',
  );
  const adoptedBackend = options.adoptedBackend ?? 'database';
  const guard = boundedGuard(operationTimeoutMs);
  const sessions = db.collection(collections.accessTokens);
  const live = (): Document => ({
    $or: [{ expires_at: null }, { expires_at: { $gt: new Date() } }],
  });

  function toRecord(doc: Document, id: string): SessionRecord | null {
    if (!(doc.created_at instanceof Date) || typeof doc.token !== 'string') return null;
    const createdAt: Date = doc.created_at;
    const generation = doc.refresh_generation;
    return {
      id,
      user_id: idOf(doc.user_id, codec),
      backend: typeof doc.backend === 'string' ? doc.backend : adoptedBackend,
      created_at: createdAt,
      last_used_at: dateOrNull(doc.last_used_at) ?? createdAt,
      expires_at: dateOrNull(doc.expires_at),
      user_agent: typeof doc.user_agent === 'string' ? doc.user_agent : null,
      ip: typeof doc.ip === 'string' ? doc.ip : null,
      auth_time: dateOrNull(doc.auth_time) ?? createdAt,
      mfa: doc.mfa === true,
      token_key: doc.token.startsWith(NO_TOKEN) ? null : doc.token,
      refresh_generation: typeof generation === 'number' ? generation : null,
      refreshed_at: dateOrNull(doc.refreshed_at),
    };
  }

  /** A document as a record, giving a FastAPI Users token its derived id once. */
  async function record(doc: Document): Promise<SessionRecord | null> {
    let id = doc.session_id;
    if (typeof id !== 'string') {
      id = adoptedSessionId(String(doc.token));
      await sessions.updateOne(
        { _id: doc._id, session_id: { $exists: false } },
        { $set: { session_id: id } },
      );
    }
    return toRecord(doc, id);
  }

  return Object.freeze({
    create(data: SessionCreateData): Promise<SessionRecord> {
      const userId = codec.parse(data.user_id);
      if (userId === null) {
        return Promise.reject(
          new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'Not a user id of this store'),
        );
      }
      if (typeof data.id !== 'string' || data.id === '') {
        return Promise.reject(
          new PortcullisError(ErrorCode.CONFIGURATION, 'A session needs an id'),
        );
      }
      if (data.token_key !== null && !usable(data.token_key)) {
        return Promise.reject(
          new PortcullisError(ErrorCode.CONFIGURATION, 'Not a usable session token key'),
        );
      }
      const createdAt = data.created_at ?? new Date();
      const created: SessionRecord = {
        ...data,
        user_id: userId,
        created_at: createdAt,
        last_used_at: createdAt,
        user_agent: clipUserAgent(data.user_agent),
        refreshed_at: null,
      };
      return guard(async () => {
        await sessions.insertOne({
          token: created.token_key ?? `${NO_TOKEN}${randomBytes(32).toString('base64url')}`,
          user_id: codec.toStored(userId),
          created_at: createdAt,
          session_id: created.id,
          backend: created.backend,
          last_used_at: createdAt,
          expires_at: created.expires_at,
          user_agent: created.user_agent,
          ip: created.ip,
          auth_time: created.auth_time,
          mfa: created.mfa,
          refresh_generation: created.refresh_generation,
          refreshed_at: null,
        });
        return created;
      });
    },

    get(id: string): Promise<SessionRecord | null> {
      if (typeof id !== 'string' || id === '') return Promise.resolve(null);
      return guard(async () => {
        const doc = await sessions.findOne({ session_id: { $eq: id }, ...live() });
        return doc === null ? null : toRecord(doc, id);
      });
    },

    getByTokenKey(tokenKey: string, maxAge?: Date): Promise<SessionRecord | null> {
      if (!usable(tokenKey)) return Promise.resolve(null);
      if (maxAge !== undefined && Number.isNaN(maxAge.getTime())) return Promise.resolve(null);
      const filter: Document = { token: { $eq: tokenKey }, ...live() };
      if (maxAge !== undefined) filter.created_at = { $gte: maxAge };
      return guard(async () => {
        const doc = await sessions.findOne(filter);
        return doc === null ? null : record(doc);
      });
    },

    listForUser(userId: UserId): Promise<SessionRecord[]> {
      const id = codec.parse(userId);
      if (id === null) return Promise.resolve([]);
      return guard(async () => {
        const docs = await sessions
          .find({ user_id: { $eq: codec.toStored(id) }, ...live() })
          .toArray();
        const records: SessionRecord[] = [];
        for (const doc of docs) {
          const r = await record(doc);
          if (r !== null) records.push(r);
        }
        // A user has few sessions: sorted here rather than by an index.
        return records.sort(
          (a, b) =>
            b.created_at.getTime() - a.created_at.getTime() ||
            (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
        );
      });
    },

    async touch(id: string, at: Date): Promise<void> {
      if (typeof id !== 'string' || id === '') return;
      await guard(() =>
        sessions.updateOne({ session_id: { $eq: id }, ...live() }, { $set: { last_used_at: at } }),
      );
    },

    advanceRefresh(id: string, expected: number, at: Date): Promise<boolean> {
      if (typeof id !== 'string' || id === '' || !Number.isSafeInteger(expected)) {
        return Promise.resolve(false);
      }
      return guard(async () => {
        // Filter and update in one operation: MongoDB applies it to a document at most once,
        // so of concurrent rotations from one generation exactly one matches.
        const result = await sessions.updateOne(
          { session_id: { $eq: id }, refresh_generation: { $eq: expected }, ...live() },
          { $set: { refresh_generation: expected + 1, refreshed_at: at } },
        );
        return result.modifiedCount === 1;
      });
    },

    delete(id: string): Promise<boolean> {
      if (typeof id !== 'string' || id === '') return Promise.resolve(false);
      return guard(
        async () =>
          (await sessions.deleteOne({ session_id: { $eq: id }, ...live() })).deletedCount === 1,
      );
    },

    deleteAllForUser(userId: UserId, exceptId?: string): Promise<number> {
      const id = codec.parse(userId);
      if (id === null) return Promise.resolve(0);
      const filter: Document = { user_id: { $eq: codec.toStored(id) }, ...live() };
      if (exceptId !== undefined) filter.session_id = { $ne: exceptId };
      return guard(async () => (await sessions.deleteMany(filter)).deletedCount);
    },
  });
}
