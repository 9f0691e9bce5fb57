import type { UserId } from '@portcullis/core';
import type { SqlIdType } from './schema';

/**
 * Turns ids from paths, tokens and database rows into the one form the store uses, and makes
 * new ones. `parse` never throws: anything that is not an id of this kind is `null`, which the
 * stores answer as "not found" (see docs/contract/behaviour.md#ids).
 */
export interface IdCodec {
  readonly type: SqlIdType;
  /** The canonical id, or null when `value` is not an id of this kind. */
  parse(value: unknown): UserId | null;
  /** A new id for an insert, or undefined when the database assigns it. */
  generate(): UserId | undefined;
}

// Longer inputs are never ids; bail out before any string work on attacker-sized values.
const MAX_UUID_INPUT = 64;
const HEX32 = /^[0-9a-fA-F]{32}$/;
/** The form ids are stored, signed into tokens and sent back in: nothing to rewrite. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The last value `CANONICAL_UUID` accepted (an id, not a secret); only an equal string matches. */
let lastCanonical: string | null = null;

/**
 * Parses a UUID the way Python's `uuid.UUID(hex)` does (CPython `uuid.py`): drop `urn:` and
 * `uuid:`, strip braces from both ends, drop hyphens, then require 32 hex digits. So the
 * hyphenless, braced, `urn:uuid:` and upper-case forms are accepted. Python then calls
 * `int(hex, 16)`, which would also let whitespace, `_`, a sign or `0x` through; we do not.
 *
 * @returns the lower-case hyphenated form, or null.
 * @example
 * ```ts
 * parseUuid('{urn:uuid:6FA459EA-EE8A-3CA4-894E-DB77E160355E}');
 * // '6fa459ea-ee8a-3ca4-894e-db77e160355e'
 * parseUuid('not-a-uuid'); // null
 * ```
 */
export function parseUuid(value: string): string | null {
  // Every guarded request parses its user's id two or three times (the manager's `parseId`,
  // the store's `get`), almost always in canonical form and the same string each time: the id
  // found canonical last is recognised by comparison, which costs far less than the expression,
  // and any other one takes one test instead of five rewrites
  // (docs/performance.md#fewer-steps-on-core-s-own-routes).
  if (value === lastCanonical) return value;
  if (value.length === 36 && CANONICAL_UUID.test(value)) {
    lastCanonical = value;
    return value;
  }
  if (value.length > MAX_UUID_INPUT) return null;
  const hex = value
    .replaceAll('urn:', '')
    .replaceAll('uuid:', '')
    .replace(/^[{}]+|[{}]+$/g, '')
    .replaceAll('-', '');
  if (!HEX32.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const DECIMAL = /^[0-9]{1,16}$/;

/**
 * Parses an integer id as strict decimal: ASCII digits only. Portcullis deviates from
 * Python's `int()` here (see docs/contract/quirks.md#integer-ids): `" 12 "`, `"1_000"`, `"+5"` and `"1e3"` are
 * not ids. Values past `Number.MAX_SAFE_INTEGER` are rejected rather than rounded.
 *
 * @example
 * ```ts
 * parseIntegerId('42'); // 42
 * parseIntegerId(' 42'); // null
 * ```
 */
export function parseIntegerId(value: string): number | null {
  if (!DECIMAL.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}

/**
 * UUID ids (the SQL default): generated with `crypto.randomUUID()`, stored as CHAR(36)
 * lower-case hyphenated text, exactly as FastAPI Users' `GUID` type stores them.
 *
 * @example
 * ```ts
 * uuidIdCodec.parse('6FA459EAEE8A3CA4894EDB77E160355E'); // '6fa459ea-ee8a-3ca4-894e-db77e160355e'
 * ```
 */
export const uuidIdCodec: IdCodec = Object.freeze({
  type: 'uuid' as const,
  parse(value: unknown): string | null {
    return typeof value === 'string' ? parseUuid(value) : null;
  },
  generate(): string {
    return crypto.randomUUID();
  },
});

/**
 * Integer ids assigned by the database (SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`, so a
 * deleted user's id is never handed to a new user while old tokens may still name it).
 *
 * @example
 * ```ts
 * integerIdCodec.parse('7'); // 7
 * integerIdCodec.parse(7); // 7
 * integerIdCodec.parse('7.0'); // null
 * ```
 */
export const integerIdCodec: IdCodec = Object.freeze({
  type: 'integer' as const,
  parse(value: unknown): number | null {
    if (typeof value === 'string') return parseIntegerId(value);
    if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
    if (typeof value === 'bigint') {
      return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
    }
    return null;
  },
  generate(): undefined {
    return undefined;
  },
});

/**
 * The codec for an id type.
 *
 * @example
 * ```ts
 * const codec = idCodecFor('integer');
 * codec.parse('12'); // 12
 * ```
 */
export function idCodecFor(type: SqlIdType): IdCodec {
  return type === 'integer' ? integerIdCodec : uuidIdCodec;
}
