import { ErrorCode, PortcullisError } from '../errors';
import { type ValidationIssue, validationError } from '../validation';
import { pythonJsonError } from './json-error';
import type { PortcullisRequest } from './request';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** How much body a route accepts, and how long it may take to arrive. */
export interface BodyLimits {
  readonly bodyLimit: number;
  readonly bodyTimeoutMs: number;
}

function parseError(cause?: unknown): PortcullisError {
  return new PortcullisError(ErrorCode.BAD_REQUEST, 'The body could not be decoded', {
    cause,
    detail: 'There was an error parsing the body',
  });
}

function mediaType(request: PortcullisRequest): string | null {
  const header = request.header('content-type');
  if (header === null) return null;
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

function isJsonType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Deepest nesting of arrays and objects a JSON body may have. No route takes more than a few
 * levels; past this, the parsed value would be echoed back in a 422 and serialised recursively,
 * which a body of a few kilobytes could turn into a stack overflow (docs/reliability.md).
 */
export const MAX_JSON_DEPTH = 128;

/** True when `text` nests arrays/objects deeper than `max` (strings are skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function jsonErrorIssue(text: string): ValidationIssue {
  const { pos, msg } = pythonJsonError(text);
  return {
    type: 'json_invalid',
    loc: ['body', pos],
    msg: 'JSON decode error',
    input: {},
    ctx: { error: msg },
  };
}

/** The same bound for a value the host's own JSON parser already built. */
function valueNestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max === 0) return true;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (valueNestsDeeperThan(item, max - 1)) return true;
  }
  return false;
}

/**
 * Reads a JSON route's body the way FastAPI does (see docs/contract/routes.md#framework-rules): an empty body is absent; a JSON or
 * missing content type is parsed as JSON (malformed → 422 `json_invalid`); any other content
 * type yields the raw text, which then fails schema validation.
 */
export async function readJsonBody(
  request: PortcullisRequest,
  limits: BodyLimits,
): Promise<unknown> {
  const attached = request.parsedBody;
  if (attached) {
    if (attached.kind !== 'json') return undefined;
    if (valueNestsDeeperThan(attached.value, MAX_JSON_DEPTH)) throw parseError();
    return attached.value;
  }
  const bytes = await request.readBody(limits.bodyLimit, limits.bodyTimeoutMs);
  if (bytes.byteLength === 0) return undefined;
  const type = mediaType(request);
  let text: string;
  try {
    text = fatalDecoder.decode(bytes);
  } catch (cause) {
    throw parseError(cause);
  }
  if (type !== null && !isJsonType(type)) return text;
  // FastAPI answers a body its parser gives up on (Python's RecursionError) with this 400.
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw parseError();
  try {
    return JSON.parse(text);
  } catch {
    throw validationError([jsonErrorIssue(text)]);
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` or `multipart/form-data` body (the login form,
 * docs/contract/routes.md#login). Any other content type reads as an empty form, as Starlette does.
 */
export async function readFormBody(
  request: PortcullisRequest,
  limits: BodyLimits,
): Promise<Record<string, string>> {
  const attached = request.parsedBody;
  if (attached) return attached.kind === 'form' ? attached.value : {};
  const type = mediaType(request);
  const bytes = await request.readBody(limits.bodyLimit, limits.bodyTimeoutMs);
  const form: Record<string, string> = {};
  if (type === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(new TextDecoder().decode(bytes))) {
      form[key] = value; // Starlette keeps the last value of a repeated field
    }
  } else if (type === 'multipart/form-data') {
    let data: FormData;
    try {
      data = await new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': request.header('content-type') ?? '' },
      }).formData();
    } catch (cause) {
      throw parseError(cause);
    }
    for (const [key, value] of data) {
      if (typeof value === 'string') form[key] = value;
    }
  }
  return form;
}
