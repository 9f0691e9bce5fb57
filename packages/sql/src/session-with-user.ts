import type { SessionRecord, User } from '@portcullis/core';
import type { Kysely, QueryResult, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from './dialect';
import { type CompiledRun, compileOnce, slot } from './internal/compiled-query';
import {
  type SessionRow,
  sessionRowReader,
  sessionSelections,
  usableId,
  usableKey,
  usableMaxAge,
} from './internal/session-rows';
import { lastStampCache } from './internal/timestamp';
import type { SqlUserReader } from './internal/user-readers';
import type { PortcullisDatabase } from './schema';

/** What the joined reads answer: a live session and its user. */
export type SessionWithUser = { session: SessionRecord; user: User };

/** What the joined reads need of their session store. */
export interface JoinedReadContext {
  readonly db: Kysely<PortcullisDatabase>;
  /** The access-token table's name. */
  readonly table: string;
  readonly dialect: SqlDialectName;
  /** A date as the reads bind it (docs/performance.md#postgresql-prepared-reads). */
  stamp(date: Date): string;
  /** A driver's error as the store reports it (`toStoreError`). */
  storeError(error: unknown): unknown;
  /** A row with its id as the store's record; null when unreadable. */
  toRecord(row: SessionRow, id: string): SessionRecord | null;
  /** A row as the store's record, a FastAPI Users row given its id first (a write). */
  record(row: SessionRow): Promise<SessionRecord | null>;
}

/** The optional `SessionStore` reads of the session and its user in one statement. */
export interface JoinedReads {
  getByTokenKeyWithUser(tokenKey: string, maxAge?: Date): Promise<SessionWithUser | null>;
  getByIdWithUser(id: string): Promise<SessionWithUser | null>;
}

/**
 * A read by token key (values 0 the key, 1 now) and its variant with `maxAge` (2 the oldest
 * creation time accepted), as one function of the key and the optional `maxAge`.
 */
export function readByKey<R>(
  byKey: CompiledRun<R>,
  byKeySince: CompiledRun<R>,
  stamp: (date: Date) => string,
): (tokenKey: string, maxAge: Date | undefined) => Promise<QueryResult<R>> {
  const now = lastStampCache(stamp);
  const since = lastStampCache(stamp);
  return (tokenKey, maxAge) => {
    const at = now(new Date());
    return maxAge === undefined ? byKey([tokenKey, at]) : byKeySince([tokenKey, at, since(maxAge)]);
  };
}

/** A read by session id (values 0 the id, 1 now), as one function of the id. */
export function readById<R>(
  byId: CompiledRun<R>,
  stamp: (date: Date) => string,
): (id: string) => Promise<QueryResult<R>> {
  const now = lastStampCache(stamp);
  return (id) => byId([id, now(new Date())]);
}

/**
 * The live session of a token key, or of a session id, and its user in one statement, each
 * compiled once per store (`compileOnce`): the session's columns under their own names (on
 * PostgreSQL as one array, `sessionAsJson`), the user's as `u0`, `u1`, … (no column of either
 * table is named so, and the aliases stay short
 * whatever the custom columns are called). Every column is qualified: a custom user column may
 * share a name with a session column. The user is mapped by the user store's own code
 * (docs/sessions-storage.md#one-query-per-session-check).
 */
export function joinedReads(users: SqlUserReader, context: JoinedReadContext): JoinedReads {
  const { db, table, dialect, stamp, storeError, toRecord, record } = context;
  const userTable = users.schema.tables.user;
  const userColumns = ['id', ...users.columns];
  // The user's columns under their aliases, named once (not built per request).
  const aliases = userColumns.map((_, i) => `u${i}`);
  const own = (name: string) => sql.ref(`${table}.${name}`);
  const selections = [
    ...sessionSelections(dialect, own),
    ...userColumns.map(
      (name, i) => sql`${sql.ref(`${userTable}.${name}`)} as ${sql.ref(aliases[i] as string)}`,
    ),
  ];
  const sessionOf = sessionRowReader(dialect);
  // Values: 0 the key or id, 1 now, 2 the oldest creation time accepted (maxAge).
  const select = (match: RawBuilder<unknown>) =>
    sql<
      SessionRow & Record<string, unknown>
    >`select ${sql.join(selections)} from ${sql.table(table)} inner join ${sql.table(userTable)} on ${sql.ref(`${userTable}.id`)} = ${own('user_id')} where ${match} and (${own('expires_at')} is null or ${own('expires_at')} > ${slot(1)})`;
  const since = sql` and ${own('created_at')} >= ${slot(2)}`;
  const asDb = db as Kysely<unknown>;
  const byKey = compileOnce(asDb, () => select(sql`${own('token')} = ${slot(0)}`));
  const byKeySince = compileOnce(
    asDb,
    () =>
      sql<
        SessionRow & Record<string, unknown>
      >`${select(sql`${own('token')} = ${slot(0)}`)}${since}`,
  );
  const byIdRead = readById(
    compileOnce(asDb, () => select(sql`${own('id')} = ${slot(0)}`)),
    stamp,
  );
  const byKeyRead = readByKey(byKey, byKeySince, stamp);

  /**
   * The statement's first row as the session and its user, in one async function: the usual row
   * (an id of its own, a user without linked accounts to read) waits for nothing but the read
   * (docs/performance.md#fewer-steps-on-core-s-own-routes). Errors are the store's.
   */
  async function joined(
    read: () => Promise<QueryResult<Record<string, unknown>>>,
  ): Promise<SessionWithUser | null> {
    try {
      const row = (await read()).rows[0];
      if (row === undefined) return null;
      const sessionRow = sessionOf(row);
      const session =
        sessionRow.id !== null ? toRecord(sessionRow, sessionRow.id) : await record(sessionRow);
      if (session === null) return null;
      const userRow: Record<string, unknown> = {};
      for (let i = 0; i < userColumns.length; i++) {
        userRow[userColumns[i] as string] = row[aliases[i] as string];
      }
      return { session, user: users.toUserNow(userRow) ?? (await users.toUser(userRow)) };
    } catch (error) {
      throw storeError(error);
    }
  }

  return {
    getByTokenKeyWithUser(tokenKey, maxAge) {
      if (!usableKey(tokenKey) || !usableMaxAge(maxAge)) return Promise.resolve(null);
      return joined(() => byKeyRead(tokenKey, maxAge));
    },
    getByIdWithUser(id) {
      if (!usableId(id)) return Promise.resolve(null);
      return joined(() => byIdRead(id));
    },
  };
}
