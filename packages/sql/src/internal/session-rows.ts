import type { SessionRecord } from '@portcullis/core';
import type { Selectable } from 'kysely';
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
 * A row as read: the timestamps come back as text on MySQL and SQLite, as Dates on PostgreSQL,
 * and as epoch milliseconds from PostgreSQL's joined reads (`session-with-user.ts`).
 */
export type SessionRow = Pick<Selectable<AccessTokenTable>, (typeof SESSION_COLUMNS)[number]> &
  Record<(typeof SESSION_TIMESTAMPS)[number], string | number | Date | null>;

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
