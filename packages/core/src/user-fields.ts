import { ErrorCode, PortcullisError } from './errors';
import type { BaseUser, User } from './types';

/**
 * A zod 4 schema, described by the parts Portcullis reads, so schemas built with the app's own
 * copy of zod fit even when it is not the copy core was installed with.
 */
export interface ZodSchemaLike {
  readonly _zod: { readonly def: object; readonly output: unknown };
  optional(): unknown;
  nullable(): unknown;
}

/** The app's own user fields: a zod schema per field name. */
export type UserFieldShape = Readonly<Record<string, ZodSchemaLike>>;

/** Flattens an intersection into one object type, so editors show the user's fields plainly. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The user record of a field shape; core's `User` for the open shape. */
export type UserOfShape<S extends UserFieldShape> = string extends keyof S
  ? User
  : Simplify<BaseUser & { -readonly [K in keyof S]: S[K]['_zod']['output'] }>;

/**
 * The user record an app's declaration describes: the built-in fields plus each custom field
 * typed as its schema's output.
 *
 * @example
 * ```ts
 * type AppUser = UserOf<typeof userFields>; // { id, email, …, first_name: string | null }
 * ```
 */
export type UserOf<F extends UserFields> = F extends UserFields<infer S> ? UserOfShape<S> : User;

/** Options of `defineUserFields`. */
export interface DefineUserFieldsOptions<S extends UserFieldShape = UserFieldShape> {
  /**
   * Fields responses show but register and `PATCH` never accept; the app sets them through
   * `userManager.update()` (a karma score, a plan bought elsewhere).
   */
  readOnly?: readonly (keyof S & string)[];
}

/**
 * The app's own user fields, declared once. `createPortcullis({ userFields })` validates them
 * on register and `PATCH` and documents them in OpenAPI; the SQL and MongoDB stores store them;
 * the user type of hooks, guards and adapters is inferred from it. See
 * docs/guides/custom-user-fields.md.
 */
export interface UserFields<S extends UserFieldShape = UserFieldShape> {
  /** The schemas as declared. */
  readonly shape: S;
  /** Field names, in declaration order. */
  readonly names: readonly string[];
  /** Fields registration and `PATCH` accept (every field but the read-only ones). */
  readonly writable: readonly string[];
  /** The field schemas of responses, registration and `PATCH`. */
  readonly schemas: {
    readonly read: Readonly<Record<string, ZodSchemaLike>>;
    readonly create: Readonly<Record<string, ZodSchemaLike>>;
    readonly update: Readonly<Record<string, ZodSchemaLike>>;
  };
}

/** The parts of a zod 4 schema's definition read here. */
interface ZodDef {
  type: string;
  innerType?: ZodSchemaLike;
  defaultValue?: unknown;
}

const defOf = (schema: ZodSchemaLike): ZodDef => schema._zod.def as ZodDef;

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const BUILT_IN = new Set([
  'id',
  'email',
  'hashed_password',
  'password',
  'is_active',
  'is_superuser',
  'is_verified',
]);
/** Stores attach the linked accounts themselves; a declaration may only show them. */
const SHOWN_ONLY = 'oauth_accounts';

/** Whether a value may be missing: the schema accepts null or undefined, or has a default. */
function mayBeAbsent(schema: ZodSchemaLike): { absent: boolean; defaulted: boolean } {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
      return { absent: true, defaulted: innerDefaulted(def) };
    case 'default':
    case 'prefault':
      return { absent: true, defaulted: true };
    case 'readonly':
    case 'pipe':
      return def.innerType ? mayBeAbsent(def.innerType) : { absent: false, defaulted: false };
    default:
      return { absent: false, defaulted: false };
  }
}

function innerDefaulted(def: ZodDef): boolean {
  return def.innerType ? mayBeAbsent(def.innerType).defaulted : false;
}

function wrap(schema: ZodSchemaLike, method: 'optional' | 'nullable'): ZodSchemaLike {
  return schema[method]() as ZodSchemaLike;
}

/**
 * The schema without its defaults, so a PATCH that leaves the field out leaves it unchanged
 * (zod 4 applies an inner `.default()` even under `.optional()`).
 */
export function withoutDefault(schema: ZodSchemaLike): ZodSchemaLike {
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
 * Declares the app's own user fields once, with zod. The one declaration drives validation
 * (register applies defaults, `PATCH` changes only the fields it is given), the OpenAPI
 * document, the SQL columns and migrations (`@portcullis/sql`), the MongoDB documents
 * (`@portcullis/mongodb`), and the TypeScript type of the user in hooks and on the request.
 *
 * Every field must be nullable, optional or have a `.default()`: users created without it
 * (OAuth sign-ups, the CLI, rows FastAPI Users wrote) still need a value.
 *
 * @throws a CONFIGURATION PortcullisError for a name that is not an identifier, repeats a
 *   built-in field, or a field that can be neither absent nor defaulted.
 * @example
 * ```ts
 * const userFields = defineUserFields({
 *   first_name: z.string().max(100).nullable().default(null),
 *   karma: z.number().int().default(0),
 * }, { readOnly: ['karma'] });
 * const portcullis = createPortcullis({ userFields, userManager, backends });
 * ```
 */
export function defineUserFields<const S extends UserFieldShape>(
  shape: S,
  options: DefineUserFieldsOptions<NoInfer<S>> = {},
): UserFields<S> {
  const readOnly = new Set<string>(options.readOnly ?? []);
  const names = Object.keys(shape);
  for (const name of readOnly) {
    if (!names.includes(name)) {
      throw new PortcullisError(ErrorCode.CONFIGURATION, `readOnly names an unknown field ${name}`);
    }
  }
  const read: Record<string, ZodSchemaLike> = {};
  const create: Record<string, ZodSchemaLike> = {};
  const update: Record<string, ZodSchemaLike> = {};
  for (const name of names) {
    const schema = shape[name] as ZodSchemaLike;
    if (!NAME.test(name)) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `User field names must be identifiers (letters, digits, _), not ${JSON.stringify(name)}`,
      );
    }
    if (BUILT_IN.has(name)) {
      throw new PortcullisError(ErrorCode.CONFIGURATION, `${name} is a built-in user field`);
    }
    const { absent, defaulted } = mayBeAbsent(schema);
    if (!absent) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `User field ${name} must be nullable, optional or have a default`,
      );
    }
    read[name] = schema;
    if (name === SHOWN_ONLY) readOnly.add(name);
    if (readOnly.has(name)) continue;
    // With a default, zod fills in a missing value; without one the field may be left out.
    create[name] = defaulted ? schema : wrap(schema, 'optional');
    update[name] = wrap(withoutDefault(schema), 'optional');
  }
  return Object.freeze({
    shape,
    names: Object.freeze(names),
    writable: Object.freeze(names.filter((name) => !readOnly.has(name))),
    schemas: Object.freeze({
      read: Object.freeze(read),
      create: Object.freeze(create),
      update: Object.freeze(update),
    }),
  });
}
