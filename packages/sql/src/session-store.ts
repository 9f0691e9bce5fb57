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
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { detectDialect } from './dialect';
import { toStoreError } from './errors';
import { idCodecFor } from './id';
import { decodeId, toBoolean, toSqlValue } from './internal/rows';
import { fromSqlTimestamp, toSqlTimestamp } from './internal/timestamp';
import { type SqlUserReader, userReaderOf } from './internal/user-readers';
import type { AccessTokenTable, PortcullisDatabase, SqlSchemaOptions } from './schema';
import { asPortcullisDb, resolveSchema } from './schema';

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
   * given it, a session check of the database strategy is one statement. The store then has
   * `getByTokenKeyWithUser`, which joins the session row to its user row and maps the user as
   * that store does (custom fields, `oauth_accounts`) (docs/sessions-storage.md).
   */
  users?: UserStore<User>;
}

/** The SQL session store, plus the purge SQL needs (it has no TTL of its own). */
export interface SqlSessionStore extends SessionStore {
  /** Deletes sessions whose `expires_at` has passed; returns how many. */
  purgeExpired(): Promise<number>;
}

/** What `getByTokenKeyWithUser` answers. */
type SessionWithUser = { session: SessionRecord; user: User };

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
 * Marks a session without a token key (its access tokens are JWTs). The `token` column is the
 * primary key FastAPI Users declared, so it holds a random value nobody is ever given; `~`
 * appears in neither SHA-256 hex nor URL-safe tokens, so no presented token can match one.
 */
const NO_TOKEN = '~';
const MAX_ID = 64;

const COLUMNS = [
  'token',
  'user_id',
  'id',
  'backend',
  'user_agent',
  'ip',
  'mfa',
  'refresh_generation',
] as const;
const TIMESTAMPS = [
  'created_at',
  'last_used_at',
  'expires_at',
  'auth_time',
  'refreshed_at',
] as const;
/** A row as read: the timestamps come back as text on MySQL and SQLite, as Dates on PostgreSQL. */
type Row = Pick<Selectable<AccessTokenTable>, (typeof COLUMNS)[number]> &
  Record<(typeof TIMESTAMPS)[number], string | Date | null>;

const usableKey = (key: unknown): key is string =>
  typeof key === 'string' && key !== '' && !key.startsWith(NO_TOKEN) && !key.includes('\u0000');
const usableId = (id: unknown): id is string =>
  typeof id === 'string' && id !== '' && id.length <= MAX_ID && !id.includes('\u0000');

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
 * Given the user store (`users`), the store also has `getByTokenKeyWithUser`: the session and
 * its user in one statement (a join on the user table), so a session check of the database
 * strategy is one round trip instead of two.
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
  // mysql2 reads DATETIME into a Date in the client's time zone; as text it is read as UTC.
  const timestamps = TIMESTAMPS.map((name) =>
    dialect === 'mysql'
      ? sql<string | null>`cast(${sql.ref(name)} as char)`.as(name)
      : sql.ref<string | Date | null>(name).as(name),
  );
  const selectSessions = () =>
    db
      .selectFrom(table)
      .select([...COLUMNS])
      .select(timestamps);
  const live = (eb: ExpressionBuilder<PortcullisDatabase, 'accesstoken'>) =>
    eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', stamp(new Date()))]);

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** A row as a record; null when a timestamp cannot be read (it cannot be checked). */
  function toRecord(row: Row, id: string): SessionRecord | null {
    const createdAt = fromSqlTimestamp(row.created_at);
    if (createdAt === null) return null;
    const expiresAt = row.expires_at === null ? null : fromSqlTimestamp(row.expires_at);
    if (row.expires_at !== null && expiresAt === null) return null;
    return {
      id,
      user_id: decodeId(row.user_id, codec),
      backend: row.backend ?? adoptedBackend,
      created_at: createdAt,
      last_used_at: fromSqlTimestamp(row.last_used_at) ?? createdAt,
      expires_at: expiresAt,
      user_agent: row.user_agent,
      ip: row.ip,
      auth_time: fromSqlTimestamp(row.auth_time) ?? createdAt,
      mfa: toBoolean(row.mfa),
      token_key: row.token.startsWith(NO_TOKEN) ? null : row.token,
      refresh_generation: row.refresh_generation === null ? null : Number(row.refresh_generation),
      refreshed_at: fromSqlTimestamp(row.refreshed_at),
    };
  }

  /** Gives a row FastAPI Users inserted its derived id, once; returns the row's id. */
  async function idOf(row: Row): Promise<string> {
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

  async function records(rows: Row[]): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (const row of rows) {
      const record = toRecord(row, await idOf(row));
      if (record !== null) out.push(record);
    }
    return out;
  }

  /**
   * The live session of `tokenKey` and its user in one statement: the session's columns under
   * their own names, the user's as `u0`, `u1`, … (no column of either table is named so, and
   * the aliases stay short whatever the custom columns are called). Every column is qualified:
   * a custom user column may share a name with a session column.
   */
  function sessionWithUser(
    users: SqlUserReader,
  ): (tokenKey: string, maxAge?: Date) => Promise<SessionWithUser | null> {
    const userTable = users.schema.tables.user;
    const userColumns = ['id', ...users.columns];
    const own = (name: string) => sql.ref(`${table}.${name}`);
    const selections = [
      ...COLUMNS.map((name) => sql`${own(name)} as ${sql.ref(name)}`),
      ...TIMESTAMPS.map((name) =>
        dialect === 'mysql'
          ? sql`cast(${own(name)} as char) as ${sql.ref(name)}`
          : sql`${own(name)} as ${sql.ref(name)}`,
      ),
      ...userColumns.map(
        (name, i) => sql`${sql.ref(`${userTable}.${name}`)} as ${sql.ref(`u${i}`)}`,
      ),
    ];
    return (tokenKey, maxAge) => {
      if (!usableKey(tokenKey)) return Promise.resolve(null);
      if (maxAge !== undefined && Number.isNaN(maxAge.getTime())) return Promise.resolve(null);
      return guard(async () => {
        const since =
          maxAge === undefined ? sql`` : sql` and ${own('created_at')} >= ${stamp(maxAge)}`;
        const { rows } = await sql<
          Row & Record<string, unknown>
        >`select ${sql.join(selections)} from ${sql.table(table)} inner join ${sql.table(userTable)} on ${sql.ref(`${userTable}.id`)} = ${own('user_id')} where ${own('token')} = ${tokenKey} and (${own('expires_at')} is null or ${own('expires_at')} > ${stamp(new Date())})${since}`.execute(
          db,
        );
        const [row] = rows;
        if (row === undefined) return null;
        const session = (await records([row]))[0];
        if (session === undefined) return null;
        const userRow: Record<string, unknown> = {};
        userColumns.forEach((name, i) => {
          userRow[name] = row[`u${i}`];
        });
        return { session, user: await users.toUser(userRow) };
      });
    };
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
        const row = await selectSessions().where('id', '=', id).where(live).executeTakeFirst();
        return row === undefined ? null : toRecord(row, id);
      });
    },

    getByTokenKey(tokenKey: string, maxAge?: Date): Promise<SessionRecord | null> {
      if (!usableKey(tokenKey)) return Promise.resolve(null);
      if (maxAge !== undefined && Number.isNaN(maxAge.getTime())) return Promise.resolve(null);
      return guard(async () => {
        let query = selectSessions().where('token', '=', tokenKey).where(live);
        if (maxAge !== undefined) query = query.where('created_at', '>=', stamp(maxAge));
        const row = await query.executeTakeFirst();
        return row === undefined ? null : ((await records([row]))[0] ?? null);
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
        return records(rows);
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
    ...(reader === undefined ? {} : { getByTokenKeyWithUser: sessionWithUser(reader) }),
  });
}
