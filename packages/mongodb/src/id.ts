import { ObjectId, UUID } from 'mongodb';

/** `objectId` (default, as Beanie's `ObjectIDIDMixin`, docs/contract/behaviour.md#ids) or `uuid` (BSON UUID). */
export type MongoIdType = 'objectId' | 'uuid';

/**
 * Converts between the id a `User` carries (a string: ObjectId hex, or a hyphenated UUID) and
 * the BSON value stored in `_id`, `user_id` and OAuth account `id`. `parse` never throws:
 * anything that is not an id of this kind is null, which the stores answer as "not found"
 * (see docs/contract/behaviour.md#ids), never a 500.
 *
 * @example
 * ```ts
 * const codec = mongoIdCodec('objectId');
 * codec.parse('65F0C0FFEE0000000000ABCD'); // '65f0c0ffee0000000000abcd'
 * codec.parse('not-an-id'); // null
 * ```
 */
export interface MongoIdCodec {
  readonly type: MongoIdType;
  /** The canonical string form, or null when `value` is not an id of this kind. */
  parse(value: unknown): string | null;
  /** The BSON value for a canonical id (from `parse`). */
  toStored(id: string): ObjectId | UUID;
  /** A new BSON id. */
  generate(): ObjectId | UUID;
}

const HEX24 = /^[0-9a-fA-F]{24}$/;
const HEX32 = /^[0-9a-fA-F]{32}$/;

/** A BSON value as the driver hands it back, told apart by its BSON type tag. */
function bsonType(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

function parseObjectId(value: unknown): string | null {
  // Not ObjectId.isValid: it also accepts any 12-character string as 12 raw bytes.
  if (typeof value === 'string') return HEX24.test(value) ? value.toLowerCase() : null;
  if (bsonType(value) === 'ObjectId') return (value as ObjectId).toHexString();
  return null;
}

function parseUuid(value: unknown): string | null {
  if (typeof value === 'string') {
    // Python's uuid.UUID(hex) forms (as the SQL codec): hyphenless, braces, urn:uuid:.
    if (value.length > 64) return null;
    const hex = value
      .replace(/^urn:uuid:/i, '')
      .replace(/^\{|\}$/g, '')
      .replaceAll('-', '');
    if (!HEX32.test(hex)) return null;
    const h = hex.toLowerCase();
    const groups = [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)];
    return groups.join('-');
  }
  if (bsonType(value) === 'Binary') {
    const binary = value as { sub_type?: unknown; toUUID?: () => UUID };
    if (binary.sub_type !== 4 || typeof binary.toUUID !== 'function') return null;
    return binary.toUUID().toHexString(true);
  }
  return null;
}

const objectIdCodec: MongoIdCodec = Object.freeze({
  type: 'objectId' as const,
  parse: parseObjectId,
  toStored: (id: string) => new ObjectId(id),
  generate: () => new ObjectId(),
});

const uuidCodec: MongoIdCodec = Object.freeze({
  type: 'uuid' as const,
  parse: parseUuid,
  toStored: (id: string) => new UUID(id),
  generate: () => new UUID(),
});

/**
 * The codec for an id type.
 *
 * @example
 * ```ts
 * mongoIdCodec('uuid').parse('{6FA459EA-EE8A-3CA4-894E-DB77E160355E}');
 * // '6fa459ea-ee8a-3ca4-894e-db77e160355e'
 * ```
 */
export function mongoIdCodec(type: MongoIdType = 'objectId'): MongoIdCodec {
  return type === 'uuid' ? uuidCodec : objectIdCodec;
}
