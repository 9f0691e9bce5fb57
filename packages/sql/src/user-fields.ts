import type { UserSchemasOptions } from '@portcullis/core';
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

/**
 * A zod 4 schema, described by the parts this package uses, so schemas built with the app's
 * own copy of zod fit even when it is not the copy core was installed with.
 */
export interface ZodSchemaLike {
  readonly _zod: { readonly def: object };
  optional(): unknown;
  nullable(): unknown;
}

/** The app's user fields: a zod schema per field name. */
export type UserFieldSchemas = Readonly<Record<string, ZodSchemaLike>>;

/**
 * The app's own user fields, declared once with zod: the columns the migration adds and the
 * store reads and writes, and the read/create/update schemas core validates with and puts in
 * the OpenAPI document.
 */
export interface SqlUserFields<F extends UserFieldSchemas = UserFieldSchemas> {
  readonly fields: F;
  readonly columns: readonly SqlUserColumn[];
  /** Pass as `createPortcullis({ userSchemas })`. */
  readonly userSchemas: UserSchemasOptions;
}

export interface DefineUserFieldsOptions {
  /**
   * Column types for fields whose type cannot be derived from the schema (a transform, a date,
   * an object), or to override a derived one, e.g. `{ bio: 'text' }`. Plain SQL type names.
   */
  types?: Readonly<Record<string, string>>;
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
const RESERVED = new Set<string>(['id', 'oauth_accounts', 'password', ...USER_COLUMNS]);

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

function wrap(schema: ZodType, method: 'optional' | 'nullable'): ZodType {
  return schema[method]() as ZodType;
}

/**
 * The schema without its defaults, so a PATCH that leaves the field out leaves it unchanged
 * (zod 4 applies an inner `.default()` even under `.optional()`).
 */
function withoutDefault(schema: ZodType): ZodType {
  const def = defOf(schema);
  if ((def.type === 'default' || def.type === 'prefault') && def.innerType) {
    return withoutDefault(def.innerType);
  }
  if ((def.type === 'nullable' || def.type === 'optional') && def.innerType) {
    return wrap(withoutDefault(def.innerType), def.type);
  }
  return schema;
}

/**
 * Declares the app's own user fields once, with zod. The result feeds three places:
 * `migrateToLatest(db, { userFields })` adds the columns that are missing,
 * `createSqlUserStore(db, { userFields })` reads and writes them (booleans and numbers come
 * back as such on every dialect), and `createPortcullis({ userSchemas: userFields.userSchemas })`
 * validates them on register and PATCH and shows them in responses and the OpenAPI document.
 *
 * Column types follow the schema: `z.string().max(n)` → VARCHAR(n) (TEXT without a max or past
 * 1024), integers → INTEGER, other numbers → DOUBLE PRECISION, booleans → BOOLEAN, enums of
 * strings → VARCHAR(longest). A field must be nullable or have a `.default()`: users created
 * without it (OAuth sign-ups, the CLI, rows FastAPI Users wrote) still need a value.
 *
 * @throws a CONFIGURATION PortcullisError for a name that is not an identifier or repeats a
 *   built-in field, a field that is neither nullable nor defaulted, or a type it cannot derive.
 * @example
 * ```ts
 * const userFields = defineUserFields({
 *   first_name: z.string().max(100).nullable().default(null),
 *   newsletter: z.boolean().default(false),
 * });
 * await migrateToLatest(db, { userFields });
 * const users = createSqlUserStore(db, { userFields });
 * const { userSchemas } = userFields;
 * const portcullis = createPortcullis({ userManager, backends, userSchemas });
 * ```
 */
export function defineUserFields<F extends UserFieldSchemas>(
  fields: F,
  options: DefineUserFieldsOptions = {},
): SqlUserFields<F> {
  const columns: SqlUserColumn[] = [];
  const read: Record<string, ZodType> = {};
  const create: Record<string, ZodType> = {};
  const update: Record<string, ZodType> = {};
  for (const [name, schema] of Object.entries(fields)) {
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
    const type = options.types?.[name] ?? derived.type;
    if (type !== undefined && !SQL_TYPE.test(type)) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `The column type of user field ${name} must be a plain SQL type name, e.g. varchar(50)`,
      );
    }
    if (type === undefined) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `Cannot derive a column type for user field ${name}; give one in options.types`,
      );
    }
    if (!derived.nullable && derived.defaultValue === undefined) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `User field ${name} must be nullable or have a default`,
      );
    }
    columns.push(
      Object.freeze({
        name,
        kind: derived.kind,
        type,
        nullable: derived.nullable,
        defaultValue: derived.defaultValue,
      }),
    );
    read[name] = schema;
    // With a default, zod fills in a missing value; without one the field may be left out.
    create[name] = derived.defaultValue === undefined ? wrap(schema, 'optional') : schema;
    update[name] = wrap(withoutDefault(schema), 'optional');
  }
  return Object.freeze({
    fields,
    columns: Object.freeze(columns),
    // They are zod schemas (ZodSchemaLike only names the parts used here).
    userSchemas: Object.freeze({ read, create, update }) as unknown as UserSchemasOptions,
  });
}
