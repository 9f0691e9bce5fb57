import type { SessionRecord } from '@portcullis/core';
import type { AliasedRawBuilder, RawBuilder, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from '../dialect';
import type { IdCodec } from '../id';
import type { AccessTokenTable } from '../schema';
import { decodeId, toBoolean } from './rows';
import { fromSqlTimestamp } from './timestamp';

/**
 * Marks a session without a token key (its access tokens are JWTs). The `token` column is the
 * primary key FastAPI Users declared, so it holds a random value nobody is ever given; `~`
 * appears in neither SHA-256 hex nor URL-safe tokens, so no presented token can match one.
 */
export const NO_TOKEN = '~';
export const MAX_ID = 64;

/** The session columns read as the driver gives them. */
export const SESSION_COLUMNS = [
  'token',
  'user_id',
  'id',
  'backend',
  'user_agent',
  'ip',
  'mfa',
  'refresh_generation',
] as const;
/** The timestamp columns, read as text on MySQL (see `createSqlSessionStore`). */
export const SESSION_TIMESTAMPS = [
  'created_at',
  'last_used_at',
  'expires_at',
  'auth_time',
  'refreshed_at',
] as const;

/**
 * A row as read: the timestamps come back as text on MySQL and SQLite, and as epoch milliseconds
 * on PostgreSQL, in the one array its reads send (`sessionAsJson`).
 */
export type SessionRow = Pick<Selectable<AccessTokenTable>, (typeof SESSION_COLUMNS)[number]> &
  Record<(typeof SESSION_TIMESTAMPS)[number], string | number | null>;

/** The one session column of the session reads on PostgreSQL (`sessionAsJson`). */
export const SESSION_JSON = 's';

/**
 * On PostgreSQL, the session's columns as one JSON array the server builds, sent as text: the
 * driver then hands over one column instead of thirteen, each decoded, parsed and stored on the
 * row by name (docs/performance.md#the-session-as-one-column-on-postgresql). In the array:
 * `SESSION_COLUMNS` (`user_id` as text, so a `bigint` id keeps its digits), then
 * `SESSION_TIMESTAMPS` as epoch milliseconds, truncated to the millisecond as node-postgres'
 * parser truncates the microseconds (exact whether `extract` gives `numeric`, from PostgreSQL 14,
 * or `double precision`). An infinite timestamp comes as the string `"Infinity"`, which reads as
 * no instant, as the driver's `Infinity` did.
 */
export function sessionAsJson(own: (name: string) => RawBuilder<unknown>): RawBuilder<string> {
  const values = [
    ...SESSION_COLUMNS.map((name) => (name === 'user_id' ? sql`${own(name)}::text` : own(name))),
    ...SESSION_TIMESTAMPS.map(
      (name) => sql`round(extract(epoch from date_trunc('milliseconds', ${own(name)})) * 1000)`,
    ),
  ];
  return sql<string>`json_build_array(${sql.join(values)})::text`;
}

/**
 * The session row `sessionAsJson` sent, as the other dialects' rows give it (its timestamps as
 * epoch milliseconds, which `fromSqlTimestamp` reads). Throws on anything else: the store then
 * reports the read as failed.
 */
function sessionFromJson(text: unknown): SessionRow {
  const v: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
  if (!Array.isArray(v) || v.length !== SESSION_COLUMNS.length + SESSION_TIMESTAMPS.length) {
    throw new TypeError('a session read gave no session array');
  }
  return {
    token: v[0],
    user_id: v[1],
    id: v[2],
    backend: v[3],
    user_agent: v[4],
    ip: v[5],
    mfa: v[6],
    refresh_generation: v[7],
    created_at: v[8],
    last_used_at: v[9],
    expires_at: v[10],
    auth_time: v[11],
    refreshed_at: v[12],
  };
}

/**
 * What a dialect's session reads select, `own` naming a column (qualified in a join): on
 * PostgreSQL the one array (`sessionAsJson`), elsewhere every column under its own name, the
 * timestamps as text on MySQL (mysql2 would read DATETIME into a Date in the client's time zone;
 * as text it is read as UTC). `sessionRowReader` reads the rows back.
 */
export function sessionSelections(
  dialect: SqlDialectName,
  own: (name: string) => RawBuilder<unknown>,
): AliasedRawBuilder<unknown, string>[] {
  if (dialect === 'postgres') return [sessionAsJson(own).as(SESSION_JSON)];
  return [
    ...SESSION_COLUMNS.map((name) => own(name).as(name)),
    ...SESSION_TIMESTAMPS.map((name) =>
      (dialect === 'mysql' ? sql`cast(${own(name)} as char)` : own(name)).as(name),
    ),
  ];
}

/** How a dialect's session reads give their rows: on PostgreSQL as one array (`sessionAsJson`). */
export function sessionRowReader(
  dialect: SqlDialectName,
): (row: Readonly<Record<string, unknown>>) => SessionRow {
  return dialect === 'postgres'
    ? (row) => sessionFromJson(row[SESSION_JSON])
    : (row) => row as unknown as SessionRow;
}

export const usableKey = (key: unknown): key is string =>
  typeof key === 'string' && key !== '' && !key.startsWith(NO_TOKEN) && !key.includes('\u0000');
export const usableId = (id: unknown): id is string =>
  typeof id === 'string' && id !== '' && id.length <= MAX_ID && !id.includes('\u0000');

/** A `maxAge` a read can compare with: absent, or a valid date. */
export const usableMaxAge = (maxAge: Date | undefined): boolean =>
  maxAge === undefined || !Number.isNaN(maxAge.getTime());

/**
 * How a store maps its rows to records: a row as a record, null when a timestamp cannot be
 * read (it cannot be checked). `adoptedBackend` is the backend of rows FastAPI Users inserted.
 */
export function sessionRecordMapper(
  codec: IdCodec,
  adoptedBackend: string,
): (row: SessionRow, id: string) => SessionRecord | null {
  return (row, id) => {
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
  };
}
