import { ErrorCode, PortcullisError } from '../errors';
import { type ValidationIssue, validationError } from '../validation';
import { pythonJsonError } from './json-error';

/** What a route reads from a request body before validation. */
export type ParsedBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> };

/**
 * Bodies a host framework already parsed (e.g. `express.json()`), handed over by the Node bridge
 * so the body is never parsed twice nor re-serialised (STYLE "Avoid").
 */
const preParsed = new WeakMap<Request, ParsedBody>();

/** Lets an adapter pass a body its framework already parsed. */
export function attachParsedBody(request: Request, body: ParsedBody): void {
  preParsed.set(request, body);
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

function tooLarge(): PortcullisError {
  return new PortcullisError(ErrorCode.BODY_TOO_LARGE, 'Request body is larger than the limit');
}

function parseError(cause?: unknown): PortcullisError {
  return new PortcullisError(ErrorCode.BAD_REQUEST, 'There was an error parsing the body', {
    cause,
  });
}

/** Reads the raw body, refusing more than `limit` bytes without buffering them. */
export async function readBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function mediaType(request: Request): string | null {
  const header = request.headers.get('content-type');
  if (header === null) return null;
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

function isJsonType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

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

/**
 * Reads a JSON route's body the way FastAPI does (spec §13): an empty body is absent; a JSON or
 * missing content type is parsed as JSON (malformed → 422 `json_invalid`); any other content
 * type yields the raw text, which then fails schema validation.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const attached = preParsed.get(request);
  if (attached) return attached.kind === 'json' ? attached.value : undefined;
  const bytes = await readBytes(request, limit);
  if (bytes.byteLength === 0) return undefined;
  const type = mediaType(request);
  let text: string;
  try {
    text = fatalDecoder.decode(bytes);
  } catch (cause) {
    throw parseError(cause);
  }
  if (type !== null && !isJsonType(type)) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw validationError([jsonErrorIssue(text)]);
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` or `multipart/form-data` body (the login form,
 * spec §6.1). Any other content type reads as an empty form, as Starlette does.
 */
export async function readFormBody(
  request: Request,
  limit: number,
): Promise<Record<string, string>> {
  const attached = preParsed.get(request);
  if (attached) return attached.kind === 'form' ? attached.value : {};
  const type = mediaType(request);
  const bytes = await readBytes(request, limit);
  const form: Record<string, string> = {};
  if (type === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(new TextDecoder().decode(bytes))) {
      form[key] = value; // Starlette keeps the last value of a repeated field
    }
  } else if (type === 'multipart/form-data') {
    let data: FormData;
    try {
      data = await new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': request.headers.get('content-type') ?? '' },
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
