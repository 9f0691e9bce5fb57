import type { UserFields, ZodSchemaLike } from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import { USER_COLUMNS } from './internal/rows';
import { assertIdentifier } from './schema';

/** How the store converts a custom column's value when it reads a row. */
export type SqlColumnKind = 'string' | 'integer' | 'number' | 'boolean' | 'other';

/** A custom user column, derived from its zod schema. */
export interface SqlUserColumn {
  readonly name: string;
  readonly kind: SqlColumnKind;
  /** The column type the migration declares, e.g. `varchar(50)`. */
  readonly type: string;
  readonly nullable: boolean;
  /** The column default (the zod `.default()`), or undefined for none. */
  readonly defaultValue: string | number | boolean | null | undefined;
}

export interface UserColumnsOptions {
  /**
   * Column types for fields whose type cannot be derived from the schema (a transform, a date,
   * an object), or to override a derived one, e.g. `{ bio: 'text' }`. Plain SQL type names.
   */
  columnTypes?: Readonly<Record<string, string>>;
}

type ZodType = ZodSchemaLike;

/** The parts of a zod 4 schema's definition this module reads. */
interface ZodDef {
  type: string;
  innerType?: ZodType;
  format?: string;
  checks?: readonly { _zod: { def: { check?: string; maximum?: number; format?: string } } }[];
  entries?: Readonly<Record<string, string | number>>;
  values?: readonly unknown[];
  defaultValue?: unknown;
}

const defOf = (schema: ZodType): ZodDef => schema._zod.def as ZodDef;

const INT_FORMATS = new Set(['safeint', 'int32', 'uint32']);
// Longer strings get TEXT: a VARCHAR that wide buys nothing, and MySQL caps a row at 64 KiB.
const MAX_VARCHAR = 1024;
// The type reaches the DDL verbatim: names, spaces and a length or precision only.
const SQL_TYPE = /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/;
const RESERVED = new Set<string>(['id', 'password', ...USER_COLUMNS]);

interface Derived {
  kind: SqlColumnKind;
  type: string | undefined;
  nullable: boolean;
  defaultValue: SqlUserColumn['defaultValue'];
}

function scalarOf(value: unknown): SqlColumnKind | undefined {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return undefined;
}

function typeFor(kind: SqlColumnKind, maxLength?: number): string | undefined {
  switch (kind) {
    case 'string':
      return maxLength !== undefined && maxLength <= MAX_VARCHAR ? `varchar(${maxLength})` : 'text';
    case 'integer':
      return 'integer';
    case 'number':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    default:
      return undefined;
  }
}

function derive(schema: ZodType, out: Derived): Derived {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
      out.nullable = true;
      return def.innerType ? derive(def.innerType, out) : out;
    case 'default':
    case 'prefault': {
      const value = def.defaultValue;
      if (value === null || scalarOf(value) !== undefined) {
        out.defaultValue ??= value as SqlUserColumn['defaultValue'];
      }
      return def.innerType ? derive(def.innerType, out) : out;
    }
    case 'readonly':
      return def.innerType ? derive(def.innerType, out) : out;
    case 'string': {
      const max = def.checks
        ?.map((c) => c._zod.def)
        .filter((c) => c.check === 'max_length' && typeof c.maximum === 'number')
        .map((c) => c.maximum as number);
      out.kind = 'string';
      out.type = typeFor('string', max && max.length > 0 ? Math.min(...max) : undefined);
      return out;
    }
    case 'number': {
      const isInt =
        INT_FORMATS.has(def.format ?? '') ||
        (def.checks ?? []).some((c) => INT_FORMATS.has(c._zod.def.format ?? ''));
      out.kind = isInt ? 'integer' : 'number';
      out.type = typeFor(out.kind);
      return out;
    }
    case 'boolean':
      out.kind = 'boolean';
      out.type = 'boolean';
      return out;
    case 'enum':
    case 'literal': {
      const values = def.type === 'enum' ? Object.values(def.entries ?? {}) : (def.values ?? []);
      const kinds = new Set(values.map(scalarOf));
      const [kind] = [...kinds];
      if (kinds.size !== 1 || kind === undefined) return out;
      out.kind = kind;
      const longest = Math.max(1, ...values.map((v) => String(v).length));
      out.type = typeFor(kind, kind === 'string' ? longest : undefined);
      return out;
    }
    default:
      return out;
  }
}

function columnOf(
  name: string,
  schema: ZodType,
  columnType: string | undefined,
  requireType: boolean,
): SqlUserColumn {
  assertIdentifier(name, 'user field names');
  if (RESERVED.has(name)) {
    throw new PortcullisError(ErrorCode.CONFIGURATION, `${name} is a built-in user field`);
  }
  const derived = derive(schema, {
    kind: 'other',
    type: undefined,
    nullable: false,
    defaultValue: undefined,
  });
  const type = columnType ?? derived.type;
  if (type !== undefined && !SQL_TYPE.test(type)) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `The column type of user field ${name} must be a plain SQL type name, e.g. varchar(50)`,
    );
  }
  if (type === undefined && requireType) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `Cannot derive a column type for user field ${name}; give one in columnTypes`,
    );
  }
  return Object.freeze({
    name,
    kind: derived.kind,
    type: type ?? 'text',
    nullable: derived.nullable,
    defaultValue: derived.defaultValue,
  });
}

/**
 * The user-table columns of the app's `defineUserFields` declaration (core's): what
 * `migrateToLatest(db, { userFields })` adds and `createSqlUserStore(db, { userFields })` reads
 * and writes. `oauth_accounts` is never a column (the store attaches linked accounts itself).
 *
 * Column types follow the schema: `z.string().max(n)` → VARCHAR(n) (TEXT without a max or past
 * 1024), integers → INTEGER, other numbers → DOUBLE PRECISION, booleans → BOOLEAN, enums of
 * strings → VARCHAR(longest). Others are named in `columnTypes`.
 *
 * @throws a CONFIGURATION PortcullisError for a name that is not an SQL identifier, or a type
 *   it cannot derive and `columnTypes` does not give.
 * @example
 * ```ts
 * const userFields = defineUserFields({ born: z.iso.date().nullable() });
 * userColumns(userFields, { columnTypes: { born: 'date' } }); // [{ name: 'born', type: 'date', … }]
 * ```
 */
export function userColumns(
  fields: UserFields,
  options: UserColumnsOptions = {},
): readonly SqlUserColumn[] {
  return columnsOf(fields, options, true);
}

/** The columns; without `requireType`, a type that cannot be derived reads back as is. */
export function columnsOf(
  fields: UserFields | undefined,
  options: UserColumnsOptions,
  requireType: boolean,
): readonly SqlUserColumn[] {
  if (fields === undefined) return [];
  for (const name of Object.keys(options.columnTypes ?? {})) {
    if (!fields.names.includes(name)) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `columnTypes names ${name}, which is not a declared user field`,
      );
    }
  }
  const columns = fields.names
    .filter((name) => name !== 'oauth_accounts')
    .map((name) =>
      columnOf(name, fields.shape[name] as ZodType, options.columnTypes?.[name], requireType),
    );
  return Object.freeze(columns);
}
