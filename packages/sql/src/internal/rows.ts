import type { OAuthAccount, User, UserId } from '@portcullis/core';
import type { SqlDialectName } from '../dialect';
import type { IdCodec } from '../id';
import { toSqlTimestamp } from './timestamp';

/** The user columns every store reads and writes, besides `id`. */
export const USER_COLUMNS = [
  'email',
  'hashed_password',
  'is_active',
  'is_superuser',
  'is_verified',
] as const;

/** The OAuth account columns a caller may write, besides `id` and `user_id`. */
export const OAUTH_ACCOUNT_COLUMNS = [
  'oauth_name',
  'access_token',
  'expires_at',
  'refresh_token',
  'account_id',
  'account_email',
] as const;

/** SQLite's 0/1 (or a driver's real boolean) as a boolean. */
export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return value === '1' || value.toLowerCase() === 'true';
  return false;
}

/**
 * A JavaScript value as the dialect's driver binds it. better-sqlite3 rejects booleans and
 * Dates, so they become 1/0 and our timestamp text. mysql2 renders a Date in the connection's
 * time zone, so MySQL gets UTC text for its DATETIME columns. node-postgres takes both as is.
 */
export function toSqlValue(value: unknown, dialect: SqlDialectName = 'sqlite'): unknown {
  if (dialect === 'postgres') return value;
  if (typeof value === 'boolean') return dialect === 'sqlite' ? (value ? 1 : 0) : value;
  if (value instanceof Date) return toSqlTimestamp(value);
  return value;
}

/**
 * The columns of `data` that are in `columns`, converted for binding. Unknown keys (such as
 * `password`, or `id`) and undefined values are left out, as FastAPI Users' adapter ignores
 * attributes that are not columns.
 */
export function pickColumns(
  data: Readonly<Record<string, unknown>>,
  columns: ReadonlySet<string>,
  dialect: SqlDialectName = 'sqlite',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value !== undefined && columns.has(key)) out[key] = toSqlValue(value, dialect);
  }
  return out;
}

/** A custom column the store reads back; `kind` says how to convert the driver's value. */
export interface CustomColumn {
  readonly name: string;
  readonly kind: 'string' | 'integer' | 'number' | 'boolean' | 'other';
}

/**
 * A custom column's value as the app declared it: SQLite and MySQL hand booleans back as 0/1,
 * and drivers may hand numbers back as strings (PostgreSQL NUMERIC, BIGINT).
 */
export function fromSqlValue(value: unknown, kind: CustomColumn['kind']): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
      return toBoolean(value);
    case 'integer':
    case 'number':
      return typeof value === 'number' ? value : Number(value);
    case 'string':
      return typeof value === 'string' ? value : String(value);
    default:
      return value;
  }
}

/** An id read from the database in its codec's form (CHAR(36) text, or an integer). */
export function decodeId(value: unknown, codec: IdCodec): UserId {
  const id = codec.parse(value);
  if (id !== null) return id;
  return typeof value === 'number' ? value : String(value);
}

/** A user row as a `User`: real booleans, the id in its codec's form, custom columns typed. */
export function rowToUser(
  row: Readonly<Record<string, unknown>>,
  codec: IdCodec,
  customColumns: readonly CustomColumn[],
): User {
  const user: User = {
    id: decodeId(row.id, codec),
    email: String(row.email),
    hashed_password: String(row.hashed_password),
    is_active: toBoolean(row.is_active),
    is_superuser: toBoolean(row.is_superuser),
    is_verified: toBoolean(row.is_verified),
  };
  for (const { name, kind } of customColumns) user[name] = fromSqlValue(row[name], kind);
  return user;
}

/** An `oauth_account` row as an `OAuthAccount` (no `user_id`: it is the owning user). */
export function rowToOAuthAccount(
  row: Readonly<Record<string, unknown>>,
  codec: IdCodec,
): OAuthAccount {
  const expiresAt = row.expires_at;
  return {
    id: decodeId(row.id, codec),
    oauth_name: String(row.oauth_name),
    access_token: String(row.access_token),
    expires_at: expiresAt === null || expiresAt === undefined ? null : Number(expiresAt),
    refresh_token:
      row.refresh_token === null || row.refresh_token === undefined
        ? null
        : String(row.refresh_token),
    account_id: String(row.account_id),
    account_email: String(row.account_email),
  };
}
