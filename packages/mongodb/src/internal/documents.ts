import type { OAuthAccount, User } from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { Document } from 'mongodb';
import type { MongoIdCodec } from '../id';

/** User fields the store writes, besides `_id` and `oauth_accounts` (see docs/contract/behaviour.md#user-fields). */
const STRING_FIELDS = new Set(['email', 'hashed_password']);
const BOOLEAN_FIELDS = new Set(['is_active', 'is_superuser', 'is_verified']);
export const USER_FIELDS: readonly string[] = [...STRING_FIELDS, ...BOOLEAN_FIELDS];

/** OAuth account fields a caller may write, besides `id` (see docs/contract/behaviour.md#user-fields). */
const ACCOUNT_STRING_FIELDS = new Set([
  'oauth_name',
  'access_token',
  'account_id',
  'account_email',
]);
const ACCOUNT_NULLABLE_FIELDS = new Set(['refresh_token', 'expires_at']);

/** Plain field names only: a `.` would reach into sub-documents, a `$` is an operator. */
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

const invalid = (field: string): PortcullisError =>
  new PortcullisError(ErrorCode.BAD_REQUEST, `Invalid value for ${field}`);

/**
 * Checks the app's custom field names once, at store creation.
 */
export function resolveCustomFields(fields: readonly string[] = []): readonly string[] {
  const reserved = new Set(['id', '_id', 'oauth_accounts', 'password', ...USER_FIELDS]);
  for (const field of fields) {
    if (typeof field !== 'string' || !FIELD.test(field) || reserved.has(field)) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        'userFields names must be plain field names that are not built-in fields',
      );
    }
  }
  return Object.freeze([...new Set(fields)]);
}

/**
 * The writable fields of `data` as a document: built-in fields must have their type (a value
 * of another type is refused, never stored, so `{"$ne": null}` cannot become an email), custom
 * fields are stored as given (as values, where an operator means nothing), unknown keys and
 * undefined values are dropped (as upstream's adapter ignores non-fields).
 */
export function pickUserFields(
  data: Readonly<Record<string, unknown>>,
  customFields: readonly string[],
): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (STRING_FIELDS.has(key)) {
      if (typeof value !== 'string') throw invalid(key);
      out[key] = value;
    } else if (BOOLEAN_FIELDS.has(key)) {
      if (typeof value !== 'boolean') throw invalid(key);
      out[key] = value;
    } else if (customFields.includes(key)) {
      out[key] = value;
    }
  }
  return out;
}

/** The writable fields of an OAuth account, type-checked like `pickUserFields`. */
export function pickAccountFields(data: Readonly<Record<string, unknown>>): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (ACCOUNT_STRING_FIELDS.has(key)) {
      if (typeof value !== 'string') throw invalid(key);
      out[key] = value;
    } else if (ACCOUNT_NULLABLE_FIELDS.has(key)) {
      const ok =
        value === null ||
        (key === 'expires_at' ? Number.isSafeInteger(value) : typeof value === 'string');
      if (!ok) throw invalid(key);
      out[key] = value;
    }
  }
  return out;
}

/** A stored id (`_id`, `user_id`, account `id`) as the string a record carries. */
export function idOf(value: unknown, codec: MongoIdCodec): string {
  return codec.parse(value) ?? String(value);
}

function toAccount(doc: Document, codec: MongoIdCodec): OAuthAccount {
  const expiresAt = doc.expires_at;
  return {
    id: idOf(doc.id, codec),
    oauth_name: String(doc.oauth_name),
    access_token: String(doc.access_token),
    expires_at: typeof expiresAt === 'number' ? expiresAt : null,
    refresh_token: typeof doc.refresh_token === 'string' ? doc.refresh_token : null,
    account_id: String(doc.account_id),
    account_email: String(doc.account_email),
  };
}

/** A user document as a `User`: string id, real booleans, embedded accounts, custom fields. */
export function toUser(doc: Document, codec: MongoIdCodec, customFields: readonly string[]): User {
  const accounts: unknown = doc.oauth_accounts;
  const user: User = {
    id: idOf(doc._id, codec),
    email: String(doc.email),
    hashed_password: String(doc.hashed_password),
    is_active: doc.is_active === true,
    is_superuser: doc.is_superuser === true,
    is_verified: doc.is_verified === true,
    oauth_accounts: Array.isArray(accounts)
      ? accounts
          .filter((a): a is Document => typeof a === 'object' && a !== null)
          .map((a) => toAccount(a, codec))
      : [],
  };
  for (const field of customFields) user[field] = doc[field] ?? null;
  return user;
}
