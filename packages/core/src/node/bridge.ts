import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { attachParsedBody, type ParsedBody } from '../http/body';
import { serialisedBody } from '../http/response';

export interface ToRequestOptions {
  /** The raw body when the host already buffered it (e.g. a Fastify content-type parser). */
  rawBody?: Uint8Array;
  /** A body the host already parsed (e.g. `express.json()`); it is handed over, not re-serialised. */
  parsedBody?: ParsedBody;
  /** Origin to resolve the path against; default `http://<Host header>`. */
  origin?: string;
  /**
   * The request target as the client sent it, when the host rewrote `req.url` for a mount
   * (Express's `req.originalUrl`, Koa's `ctx.originalUrl`); default `req.url`.
   */
  url?: string;
}

const NO_BODY = new Set(['GET', 'HEAD']);

/** How to stop feeding a request's body into its web stream and drain it instead. */
const detachers = new WeakMap<IncomingMessage, () => void>();

/**
 * The request body as a web stream. Unlike `Readable.toWeb`, cancelling it (core stops at the
 * size limit) drains the rest instead of destroying the socket, so the client still reads the
 * 413 and a keep-alive connection stays usable.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let detached = false;
  let onData: (chunk: Buffer) => void = () => undefined;
  const detach = (): void => {
    if (detached) return;
    detached = true;
    req.off('data', onData);
    req.resume();
  };
  detachers.set(req, detach);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      onData = (chunk) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      };
      req.on('data', onData);
      req.once('end', () => {
        if (!detached) controller.close();
      });
      req.once('error', (error) => {
        if (!detached) controller.error(error);
      });
      req.pause();
    },
    pull() {
      if (!detached) req.resume();
    },
    cancel() {
      detach();
    },
  });
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // HTTP/2 pseudo-headers are not headers of the request.
    if (name.startsWith(':')) continue;
    try {
      headers.append(name, raw[i + 1] as string);
    } catch {
      // A header value WHATWG rejects cannot matter to the auth routes: drop it.
    }
  }
  return headers;
}

/**
 * The Node request as a WHATWG Request for core's routes. The body streams lazily (core enforces
 * the size limit while reading), or comes from what the host already buffered or parsed.
 *
 * @example
 * ```ts
 * const request = toRequest(req, { parsedBody: { kind: 'json', value: req.body } });
 * ```
 */
export function toRequest(req: IncomingMessage, options: ToRequestOptions = {}): Request {
  const method = (req.method ?? 'GET').toUpperCase();
  const origin = options.origin ?? `http://${req.headers.host ?? 'localhost'}`;
  const target = options.url ?? req.url ?? '/';
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    url = new URL(target, 'http://localhost');
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers: headersOf(req) };
  if (!NO_BODY.has(method) && !options.parsedBody) {
    if (options.rawBody) init.body = options.rawBody as Uint8Array<ArrayBuffer>;
    else if (!req.readableEnded) {
      init.body = bodyStream(req);
      init.duplex = 'half';
    }
  }
  const request = new Request(url, init);
  if (options.parsedBody) attachParsedBody(request, options.parsedBody);
  return request;
}

/**
 * Calls `set` once per header of `response`. Every `Set-Cookie` is handed over in one array, so
 * each cookie stays a header of its own: joined with commas, a cookie whose `Expires` holds a
 * comma would be cut in two (RFC 6265 §3).
 *
 * @example
 * ```ts
 * eachHeader(response, (name, value) => reply.header(name, value));
 * ```
 */
export function eachHeader(
  response: Response,
  set: (name: string, value: string | string[]) => void,
): void {
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') set(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) set('set-cookie', cookies);
}

/**
 * Writes a WHATWG Response to a Node response; every `Set-Cookie` stays a header of its own,
 * after any cookie the app's middleware already set on `res`.
 *
 * @example
 * ```ts
 * await writeResponse(req, res, await handler.fetch(toRequest(req)));
 * ```
 */
export async function writeResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
): Promise<void> {
  res.statusCode = response.status;
  releaseUnreadBody(req);
  eachHeader(response, (name, value) => {
    if (name !== 'set-cookie') return res.setHeader(name, value);
    const earlier = res.getHeader('set-cookie');
    const before =
      earlier === undefined ? [] : Array.isArray(earlier) ? earlier : [String(earlier)];
    res.setHeader(name, [...before, ...value]);
  });
  const body = await responseBytes(response);
  if (body) res.setHeader('content-length', body.byteLength);
  res.end(body);
}

/**
 * A response's body as a Buffer (what every Node framework sends as is), null when it has none. A body core serialised itself is taken
 * as it was made, without a round trip through the Response's web stream (so also when a hook
 * already read that stream); any other body is read from its stream.
 *
 * @example
 * ```ts
 * const body = await responseBytes(response);
 * if (body !== null) reply.send(body);
 * ```
 */
export async function responseBytes(response: Response): Promise<Buffer | null> {
  const known = serialisedBody(response);
  if (known !== undefined) return Buffer.from(known);
  return response.body ? Buffer.from(await response.arrayBuffer()) : null;
}

function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads what a host body parser left (Express `req.body`, Koa `ctx.request.body`): JSON values
 * for JSON requests, string maps for urlencoded forms. Returns undefined when the host did not
 * read the body, or parsed it into something core does not take (then core reads it raw).
 *
 * @example
 * ```ts
 * const parsedBody = parsedBodyOf(ctx.req, ctx.request.body);
 * ```
 */
export function parsedBodyOf(
  req: IncomingMessage,
  body: unknown = (req as IncomingMessage & { body?: unknown }).body,
): ParsedBody | undefined {
  if (body === undefined || !req.readableEnded) return undefined;
  const type = mediaTypeOf(req);
  const json = type === 'application/json' || type.endsWith('+json');
  // Host JSON parsers turn an empty body into `{}` (body-parser, co-body); FastAPI sees no body
  // at all and answers 422 `loc: ["body"]` (spec §12.2), so an empty body stays absent.
  if (json && req.headers['content-length'] === '0') return { kind: 'json', value: undefined };
  if (type === 'application/x-www-form-urlencoded' && typeof body === 'object' && body) {
    const form: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      const last = Array.isArray(value) ? value[value.length - 1] : value;
      if (typeof last === 'string') form[key] = last;
    }
    return { kind: 'form', value: form };
  }
  if (json) return { kind: 'json', value: body };
  return undefined;
}

/**
 * The body options for `toRequest` from what the host left: a parsed body is handed over as is,
 * bytes or text a raw parser kept (`express.raw()`, `express.text()`) become the raw body.
 *
 * @example
 * ```ts
 * const request = toRequest(req, { ...hostBodyOptions(req, req.body) });
 * ```
 */
export function hostBodyOptions(
  req: IncomingMessage,
  body: unknown,
): Pick<ToRequestOptions, 'parsedBody' | 'rawBody'> {
  if (body === undefined || !req.readableEnded) return {};
  if (body instanceof Uint8Array) return { rawBody: body };
  const parsedBody = parsedBodyOf(req, body);
  if (parsedBody) return { parsedBody };
  if (typeof body === 'string') return { rawBody: new TextEncoder().encode(body) };
  return {};
}

/**
 * Called before answering: a body the route did not read (a 413, an early 401) is drained, so
 * a keep-alive client's next request is not stuck behind unread bytes, and a client still
 * uploading is not cut off before it reads the answer. The server's request timeout bounds
 * how long a drain can last.
 */
export function releaseUnreadBody(req: IncomingMessage): void {
  if (req.complete || req.readableEnded) return;
  const detach = detachers.get(req);
  if (detach) detach();
  else req.resume();
}
