import type { z } from 'zod';
import { ErrorCode, PortcullisError } from './errors';
import type { LazySchema } from './internal/lazy-schema';

/** One entry of a 422 body, in FastAPI's shape (see docs/contract/routes.md#validation-errors). */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** Issue details a schema can attach to a custom zod issue through `params`. */
export interface PydanticIssueParams {
  pydantic: { type: string; msg: string; ctx?: Record<string, unknown> };
}

/** Builds the 422 error the routes answer with. */
export function validationError(issues: ValidationIssue[]): PortcullisError {
  return new PortcullisError(ErrorCode.VALIDATION_ERROR, 'Request validation failed', {
    detail: issues,
  });
}

export function missing(loc: (string | number)[], input: unknown = null): ValidationIssue {
  return { type: 'missing', loc, msg: 'Field required', input };
}

/** How a body is laid out: a model body reports the whole object as the input of a missing field. */
export type BodyLayout = 'model' | 'embedded';

const BOOL_TYPES = new Set(['boolean']);
const INT_TYPES = new Set(['int', 'number', 'bigint']);

function typeIssue(expected: string, input: unknown): { type: string; msg: string } {
  if (expected === 'string') return { type: 'string_type', msg: 'Input should be a valid string' };
  if (BOOL_TYPES.has(expected)) {
    return typeof input === 'string' || typeof input === 'number'
      ? { type: 'bool_parsing', msg: 'Input should be a valid boolean, unable to interpret input' }
      : { type: 'bool_type', msg: 'Input should be a valid boolean' };
  }
  if (INT_TYPES.has(expected)) {
    if (typeof input === 'string') {
      return {
        type: 'int_parsing',
        msg: 'Input should be a valid integer, unable to parse string as an integer',
      };
    }
    return { type: 'int_type', msg: 'Input should be a valid integer' };
  }
  if (expected === 'object') {
    return {
      type: 'model_attributes_type',
      msg: 'Input should be a valid dictionary or object to extract fields from',
    };
  }
  if (expected === 'array') return { type: 'list_type', msg: 'Input should be a valid list' };
  return { type: `${expected}_type`, msg: `Input should be a valid ${expected}` };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Translates zod issues into FastAPI/Pydantic v2 issues, so clients written against FastAPI
 * Users read the same `type`, `loc`, `msg` and `input` (see docs/contract/routes.md#validation-errors).
 */
export function toValidationIssues(
  error: z.ZodError,
  body: unknown,
  layout: BodyLayout,
): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    const loc: (string | number)[] = ['body', ...path];
    const input = valueAt(body, issue.path);
    if (issue.code === 'custom' && issue.params && 'pydantic' in issue.params) {
      const p = (issue.params as unknown as PydanticIssueParams).pydantic;
      return { type: p.type, loc, msg: p.msg, input, ...(p.ctx ? { ctx: p.ctx } : {}) };
    }
    if (issue.code === 'invalid_type') {
      if (input === undefined) {
        const parent = layout === 'model' ? valueAt(body, issue.path.slice(0, -1)) : null;
        return missing(loc, parent ?? null);
      }
      return { ...typeIssue(issue.expected, input), loc, input };
    }
    if (issue.code === 'too_small' && issue.origin === 'string') {
      const n = Number(issue.minimum);
      return {
        type: 'string_too_short',
        loc,
        msg: `String should have at least ${n} character${n === 1 ? '' : 's'}`,
        input,
        ctx: { min_length: n },
      };
    }
    if (issue.code === 'too_big' && issue.origin === 'string') {
      const n = Number(issue.maximum);
      return {
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${n} character${n === 1 ? '' : 's'}`,
        input,
        ctx: { max_length: n },
      };
    }
    return { type: 'value_error', loc, msg: `Value error, ${issue.message}`, input: input ?? null };
  });
}

/**
 * Strings that reach a store never hold U+0000 (PostgreSQL rejects it; see docs/contract/decisions.md#no-nul). The password
 * is exempt: it is only ever hashed.
 */
function nulIssues(value: unknown, loc: (string | number)[], out: ValidationIssue[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      out.push({
        type: 'string_nul',
        loc,
        msg: 'String should not contain the NUL character',
        input: value,
      });
    }
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) nulIssues(item, [...loc, i], out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key !== 'password') nulIssues(item, [...loc, key], out);
    }
  }
}

function checked<T>(data: T): T {
  const issues: ValidationIssue[] = [];
  nulIssues(data, ['body'], issues);
  if (issues.length > 0) throw validationError(issues);
  return data;
}

/**
 * Validates a JSON body against a zod object schema (loaded on first use). A body that is absent, or not an object,
 * fails the way FastAPI fails it (docs/contract/routes.md#validation-errors: `loc ["body"]`, `missing` or
 * `model_attributes_type`).
 */
export async function parseModelBody<S extends z.ZodType>(
  schema: LazySchema<S>,
  body: unknown,
): Promise<z.output<S>> {
  // FastAPI treats a JSON `null` body like no body at all.
  if (body === undefined || body === null) throw validationError([missing(['body'])]);
  const result = (await schema.load()).safeParse(body);
  if (!result.success) throw validationError(toValidationIssues(result.error, body, 'model'));
  return checked(result.data);
}

/**
 * Validates an "embedded" body (FastAPI `Body(embed=True)`): each field is read on its own, and
 * a body that is absent or not an object reports every field as missing with input null.
 */
export async function parseEmbeddedBody<S extends z.ZodObject>(
  schema: LazySchema<S>,
  body: unknown,
): Promise<z.output<S>> {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  // FastAPI reads embedded fields with `.get()`: a null value is a missing one.
  const source = isObject
    ? Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null))
    : {};
  const result = (await schema.load()).safeParse(source);
  if (!result.success) throw validationError(toValidationIssues(result.error, source, 'embedded'));
  return checked(result.data);
}
