import type { z } from 'zod';
import { validateEmail } from './email';
import { type LazySchema, lazySchema, type Zod } from './internal/lazy-schema';
import type { UserFields } from './user-fields';
import type { PydanticIssueParams } from './validation';

function pydanticIssue(
  type: string,
  msg: string,
  ctx?: Record<string, unknown>,
): PydanticIssueParams {
  return { pydantic: { type, msg, ...(ctx ? { ctx } : {}) } };
}

/**
 * An email field with FastAPI Users' EmailStr semantics (see docs/contract/behaviour.md#email-validation): trimmed, display-name form
 * reduced to the address, domain lower-cased, special-use domains rejected. Apps use it as
 * `emailField` from `@portcullis/core/fields`.
 */
export const lazyEmailField: LazySchema<z.ZodType<string, string>> = lazySchema((z) =>
  z
    .string()
    .transform((value, ctx) => {
      const result = validateEmail(value);
      if (result.ok) return result.email;
      ctx.addIssue({
        code: 'custom',
        message: result.reason,
        params: pydanticIssue(
          'value_error',
          `value is not a valid email address: ${result.reason}`,
          { reason: result.reason },
        ),
      });
      return z.NEVER;
    })
    .meta({ format: 'email' }),
);

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** Pydantic's lax boolean: `"yes"`, `"0"`, `1` and friends are booleans too. */
function laxBoolean(value: unknown): unknown {
  if (typeof value === 'string') {
    const word = value.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  if (value === 1) return true;
  if (value === 0) return false;
  return value;
}

/** A boolean field that accepts what Pydantic's lax mode accepts. */
const lazyBooleanField = lazySchema(
  (z) => z.preprocess(laxBoolean, z.boolean()) as unknown as z.ZodType<boolean, boolean>,
);

/** The fields every user has, as responses show them, in the order FastAPI Users answers them. */
export const READ_FIELDS: readonly string[] = Object.freeze([
  'id',
  'email',
  'is_active',
  'is_superuser',
  'is_verified',
]);

function readShape(z: Zod) {
  return {
    id: z.union([z.string(), z.number()]),
    email: z.string().meta({ format: 'email' }),
    is_active: z.boolean().default(true),
    is_superuser: z.boolean().default(false),
    is_verified: z.boolean().default(false),
  };
}

function createShape(z: Zod) {
  const booleanField = lazyBooleanField.with(z);
  return {
    email: lazyEmailField.with(z),
    password: z.string(),
    is_active: booleanField.nullable().optional(),
    is_superuser: booleanField.nullable().optional(),
    is_verified: booleanField.nullable().optional(),
  };
}

// Explicit nulls are refused for fields that cannot hold null (a deliberate fix of upstream
// docs/contract/quirks.md#explicit-null, which writes them and fails with a 500); `password: null` keeps meaning "unchanged".
function updateShape(z: Zod) {
  const booleanField = lazyBooleanField.with(z);
  return {
    password: z.string().nullable().optional(),
    email: lazyEmailField.with(z).optional(),
    is_active: booleanField.optional(),
    is_superuser: booleanField.optional(),
    is_verified: booleanField.optional(),
  };
}

/** The three user schemas, extended with the app's own fields. */
export interface UserSchemas {
  read: z.ZodObject;
  create: z.ZodObject;
  update: z.ZodObject;
  /** Names of the app's custom fields, in declaration order. */
  customFields: readonly string[];
}

/** The user schemas, each built on first use (routes hold these). */
export interface LazyUserSchemas {
  read: LazySchema<z.ZodObject>;
  create: LazySchema<z.ZodObject>;
  update: LazySchema<z.ZodObject>;
  /** Names of the app's custom fields, in declaration order. */
  customFields: readonly string[];
  /** Fields the read schema shows, in its order (known without building it). */
  readFields: readonly string[];
}

/**
 * Builds the read, create and update schemas (see docs/contract/behaviour.md#schemas), extended with the fields of the app's
 * `defineUserFields` declaration.
 *
 * @example
 * ```ts
 * const schemas = createUserSchemas(defineUserFields({ first_name: z.string().nullable() }));
 * const read = await schemas.read.load();
 * ```
 */
export function createUserSchemas(fields?: UserFields): LazyUserSchemas {
  // They are zod schemas: ZodSchemaLike only names the parts core reads.
  const custom = (fields?.schemas ?? {}) as {
    read?: Record<string, z.ZodType>;
    create?: Record<string, z.ZodType>;
    update?: Record<string, z.ZodType>;
  };
  return {
    read: lazySchema((z) => z.object({ ...readShape(z), ...custom.read }).meta({ id: 'UserRead' })),
    create: lazySchema((z) =>
      z.object({ ...createShape(z), ...custom.create }).meta({ id: 'UserCreate' }),
    ),
    update: lazySchema((z) =>
      z.object({ ...updateShape(z), ...custom.update }).meta({ id: 'UserUpdate' }),
    ),
    customFields: fields?.names ?? [],
    readFields: [...new Set([...READ_FIELDS, ...Object.keys(custom.read ?? {})])],
  };
}

/** The built schemas of `createUserSchemas`, for `portcullis.schemas()`. */
export async function loadUserSchemas(schemas: LazyUserSchemas): Promise<UserSchemas> {
  const [read, create, update] = await Promise.all([
    schemas.read.load(),
    schemas.create.load(),
    schemas.update.load(),
  ]);
  return { read, create, update, customFields: schemas.customFields };
}

/** `{"email"}`: the body of forgot-password and request-verify-token. */
export const emailRequestBody = lazySchema((z) => z.object({ email: lazyEmailField.with(z) }));
export const resetPasswordBody = lazySchema((z) =>
  z.object({ token: z.string(), password: z.string() }),
);
export const verifyBody = lazySchema((z) => z.object({ token: z.string() }));
