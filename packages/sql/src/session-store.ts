import type {
  SessionCreateData,
  SessionRecord,
  SessionStore,
  User,
  UserId,
  UserStore,
} from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import { clipUserAgent, randomToken } from '@portcullis/core/adapter';
import { adoptedSessionId as adoptedId } from '@portcullis/core/node';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';
import { detectDialect } from './dialect';
import { toStoreError } from './errors';
import { idCodecFor } from './id';
import { compileOnce, slot } from './internal/compiled-query';
import { toSqlValue } from './internal/rows';
import {
  MAX_ID,
  NO_TOKEN,
  type SessionRow,
  sessionRecordMapper,
  sessionRowReader,
  sessionSelections,
  usableId,
  usableKey,
  usableMaxAge,
} from './internal/session-rows';
import { toIsoTimestamp, toSqlTimestamp } from './internal/timestamp';
import { type SqlUserReader, userReaderOf } from './internal/user-readers';
import type { PortcullisDatabase, SqlSchemaOptions } from './schema';
import { asPortcullisDb, resolveSchema } from './schema';
import { joinedReads, readById, readByKey } from './session-with-user';

export interface SqlSessionStoreOptions extends SqlSchemaOptions {
  /**
   * The `backend` reported for rows a FastAPI Users app inserted (they have none). Default
   * `database`; give the name of the Portcullis backend that shares those tokens.
   */
  adoptedBackend?: string;
  /**
   * Writes also delete expired sessions, at most once per this many seconds per store
   * (default 600); 0 turns that off, and the app calls `purgeExpired()` itself. Reads ignore
   * expired sessions either way.
   */
  purgeIntervalSeconds?: number;
  /**
   * The user store (made by `createSqlUserStore` on this database, same `tables` and `idType`):
   * given it, a session check is one statement. The store then has `getByTokenKeyWithUser`
   * (the database strategy) and `getByIdWithUser` (JWTs with sessions), which join the session
   * row to its user row and map the user as that store does (custom fields, `oauth_accounts`)
   * (docs/sessions-storage.md).
   */
  users?: UserStore<User>;
}

/** The SQL session store, plus the purge SQL needs (it has no TTL of its own). */
export interface SqlSessionStore extends SessionStore {
  /** Deletes sessions whose `expires_at` has passed; returns how many. */
  purgeExpired(): Promise<number>;
}

/** The reader of the user store given as `users`, checked against the session store's schema. */
function readerOf(
  users: unknown,
  schema: ReturnType<typeof resolveSchema>,
): SqlUserReader | undefined {
  if (users === undefined) return undefined;
  const reader = userReaderOf(users);
  if (reader === undefined) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'createSqlSessionStore: users must be a store made by createSqlUserStore',
    );
  }
  if (reader.schema.tables.user !== schema.tables.user || reader.schema.idType !== schema.idType) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'createSqlSessionStore: users was created with other tables or idType than this store',
    );
  }
  return reader;
}

/**
 * A `SessionStore` on the `accesstoken` table that `migrateToLatest` extends with session
 * columns (migration `0008_sessions`; docs/sessions-storage.md). The table keeps FastAPI Users'
 * layout: with `tokenStorage: 'plain'` a FastAPI Users app on the same database accepts our
 * tokens and we accept its tokens, and a session ended on either side is gone for both. Its
 * rows get an id derived from the token the first time the store reads them.
 *
 * Every method sees live sessions only (`expires_at` unset or in the future). `delete` and
 * `deleteAllForUser` are single `DELETE` statements and report the rows they removed, so of
 * concurrent deletes exactly one wins; `advanceRefresh` is one
 * `UPDATE … WHERE refresh_generation = expected`. Errors map as the other SQL stores':
 * SERVICE_UNAVAILABLE when the database is unreachable or a query times out (the connection's
 * timeouts), USER_NOT_EXISTS for a session of an unknown user.
 *
 * Given the user store (`users`), the store also has `getByTokenKeyWithUser` and
 * `getByIdWithUser`: the session and its user in one statement (a join on the user table), so
 * a session check of the database strategy or of a JWT with `sid` is one round trip instead of
 * two. The reads a session check makes are compiled once per store, not built per request.
 *
 * @example
 * ```ts
 * await migrateToLatest(db);
 * const users = createSqlUserStore(db);
 * const sessions = createSqlSessionStore(db, { users }); // one query per session check
 * const mine = await sessions.listForUser(user.id); // newest first
 * ```
 */
export function createSqlSessionStore<DB>(
  database: Kysely<DB>,
  options: SqlSessionStoreOptions = {},
): SqlSessionStore {
  const db = asPortcullisDb(database);
  const schema = resolveSchema(options);
  const dialect = detectDialect(db, options.dialect);
  const codec = idCodecFor(schema.idType);
  const table = schema.tables.accessToken;
  const adoptedBackend = options.adoptedBackend ?? 'database';
  const interval = options.purgeIntervalSeconds ?? 600;
  if (!Number.isFinite(interval) || interval < 0) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'createSqlSessionStore: purgeIntervalSeconds must be a number of seconds, 0 to turn purging off',
    );
  }
  const reader = readerOf(options.users, schema);
  let lastPurge = Date.now();
  // PostgreSQL binds a Date as an instant; mysql2 would render one in the connection's time
  // zone and better-sqlite3 cannot bind one: both get UTC text.
  const stamp = (date: Date): string | Date =>
    dialect === 'postgres' ? date : toSqlTimestamp(date);
  // The per-request reads bind instants as text: ISO 8601 in UTC on PostgreSQL (the columns are
  // timestamptz), formatted once per millisecond instead of by the driver on every call.
  const readStamp = (date: Date): string =>
    dialect === 'postgres' ? toIsoTimestamp(date) : toSqlTimestamp(date);
  const selections = sessionSelections(dialect, (name) => sql.ref(name));
  const selectSessions = () => db.selectFrom(table).select(selections);
  const rowOf = sessionRowReader(dialect);
  /** Live sessions only: expiring after `now` (a value, or a slot of a query compiled once). */
  const liveAt = (now: unknown) => (eb: ExpressionBuilder<PortcullisDatabase, 'accesstoken'>) =>
    eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now as string)]);
  const live = (eb: ExpressionBuilder<PortcullisDatabase, 'accesstoken'>) =>
    liveAt(stamp(new Date()))(eb);
  // The per-request reads, compiled once (values: 0 the id or key, 1 now, 2 maxAge).
  const asDb = db as Kysely<unknown>;
  const byId = compileOnce<Record<string, unknown>>(asDb, () =>
    selectSessions()
      .where('id', '=', slot(0))
      .where(liveAt(slot(1))),
  );
  const byKey = compileOnce<Record<string, unknown>>(asDb, () =>
    selectSessions()
      .where('token', '=', slot(0))
      .where(liveAt(slot(1))),
  );
  const byKeySince = compileOnce<Record<string, unknown>>(asDb, () =>
    selectSessions()
      .where('token', '=', slot(0))
      .where(liveAt(slot(1)))
      .where('created_at', '>=', slot(2)),
  );
  const byKeyRead = readByKey(byKey, byKeySince, readStamp);
  const byIdRead = readById(byId, readStamp);
  const toRecord = sessionRecordMapper(codec, adoptedBackend);

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** Gives a row FastAPI Users inserted its derived id, once; returns the row's id. */
  async function idOf(row: SessionRow): Promise<string> {
    if (row.id !== null) return row.id;
    const id = adoptedId(row.token);
    await db
      .updateTable(table)
      .set({ id })
      .where('token', '=', row.token)
      .where('id', 'is', null)
      .execute();
    return id;
  }

  /** A row as a record, given its id first if FastAPI Users inserted it; null when unreadable. */
  async function record(row: SessionRow): Promise<SessionRecord | null> {
    return toRecord(row, await idOf(row));
  }

  async function records(rows: SessionRow[]): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (const row of rows) {
      const found = await record(row);
      if (found !== null) out.push(found);
    }
    return out;
  }

  async function purgeExpired(): Promise<number> {
    return guard(async () => {
      const result = await db
        .deleteFrom(table)
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', stamp(new Date()))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /** Housekeeping after a write, at most once per interval; a failure never fails the write. */
  async function maybePurge(): Promise<void> {
    if (interval === 0 || Date.now() - lastPurge < interval * 1000) return;
    lastPurge = Date.now();
    await purgeExpired().catch(() => undefined);
  }

  return Object.freeze({
    async create(data: SessionCreateData): Promise<SessionRecord> {
      const userId = codec.parse(data.user_id);
      if (userId === null) {
        throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'Not a user id of this store');
      }
      if (!usableId(data.id)) {
        throw new PortcullisError(
          ErrorCode.CONFIGURATION,
          `A session id must be 1 to ${MAX_ID} characters`,
        );
      }
      if (data.token_key !== null && !usableKey(data.token_key)) {
        throw new PortcullisError(ErrorCode.CONFIGURATION, 'Not a usable session token key');
      }
      const createdAt = data.created_at ?? new Date();
      const record: SessionRecord = {
        id: data.id,
        user_id: userId,
        backend: data.backend,
        created_at: createdAt,
        last_used_at: createdAt,
        expires_at: data.expires_at,
        user_agent: clipUserAgent(data.user_agent),
        ip: data.ip,
        auth_time: data.auth_time,
        mfa: data.mfa,
        token_key: data.token_key,
        refresh_generation: data.refresh_generation,
        refreshed_at: null,
      };
      await guard(() =>
        db
          .insertInto(table)
          .values({
            token: data.token_key ?? `${NO_TOKEN}${randomToken()}`,
            user_id: userId,
            id: record.id,
            backend: record.backend,
            created_at: stamp(createdAt),
            last_used_at: stamp(createdAt),
            expires_at: record.expires_at === null ? null : stamp(record.expires_at),
            user_agent: record.user_agent,
            ip: record.ip,
            auth_time: stamp(record.auth_time),
            mfa: toSqlValue(record.mfa, dialect) as boolean | number,
            refresh_generation: record.refresh_generation,
            refreshed_at: null,
          })
          .execute(),
      );
      await maybePurge();
      return record;
    },

    get(id: string): Promise<SessionRecord | null> {
      if (!usableId(id)) return Promise.resolve(null);
      return guard(async () => {
        const [row] = (await byIdRead(id)).rows;
        return row === undefined ? null : toRecord(rowOf(row), id);
      });
    },

    getByTokenKey(tokenKey: string, maxAge?: Date): Promise<SessionRecord | null> {
      if (!usableKey(tokenKey)) return Promise.resolve(null);
      if (!usableMaxAge(maxAge)) return Promise.resolve(null);
      return guard(async () => {
        const [row] = (await byKeyRead(tokenKey, maxAge)).rows;
        return row === undefined ? null : record(rowOf(row));
      });
    },

    listForUser(userId: UserId): Promise<SessionRecord[]> {
      const id = codec.parse(userId);
      if (id === null) return Promise.resolve([]);
      return guard(async () => {
        const rows = await selectSessions()
          .where('user_id', '=', id)
          .where(live)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute();
        return records(rows.map(rowOf));
      });
    },

    async touch(id: string, at: Date): Promise<void> {
      if (!usableId(id)) return;
      await guard(() =>
        db
          .updateTable(table)
          .set({ last_used_at: stamp(at) })
          .where('id', '=', id)
          .where(live)
          .execute(),
      );
    },

    advanceRefresh(id: string, expected: number, at: Date): Promise<boolean> {
      if (!usableId(id) || !Number.isSafeInteger(expected)) return Promise.resolve(false);
      return guard(async () => {
        // The compare and the set are one statement: of concurrent rotations from one
        // generation, the database lets exactly one update the row.
        const result = await db
          .updateTable(table)
          .set({ refresh_generation: expected + 1, refreshed_at: stamp(at) })
          .where('id', '=', id)
          .where('refresh_generation', '=', expected)
          .where(live)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },

    delete(id: string): Promise<boolean> {
      if (!usableId(id)) return Promise.resolve(false);
      return guard(async () => {
        const result = await db
          .deleteFrom(table)
          .where('id', '=', id)
          .where(live)
          .executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    deleteAllForUser(userId: UserId, exceptId?: string): Promise<number> {
      const id = codec.parse(userId);
      if (id === null) return Promise.resolve(0);
      return guard(async () => {
        let query = db.deleteFrom(table).where('user_id', '=', id).where(live);
        if (exceptId !== undefined) {
          query = query.where((eb) => eb.or([eb('id', 'is', null), eb('id', '<>', exceptId)]));
        }
        const result = await query.executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },

    purgeExpired,
    ...(reader === undefined
      ? {}
      : joinedReads(reader, {
          db,
          table,
          dialect,
          stamp: readStamp,
          storeError: toStoreError,
          toRecord,
          record,
        })),
  });
}
