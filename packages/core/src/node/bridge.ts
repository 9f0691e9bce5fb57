import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, PortcullisError } from '../errors';
import {
  bodyTimedOut,
  bodyTooLarge,
  concatChunks,
  DEFAULT_BODY_TIMEOUT_MS,
  type ParsedBody,
  type PortcullisRequest,
} from '../http/request';
import { eachHeader, type PortcullisResponse } from '../http/response';

export interface NodeRequestOptions {
  /** The raw body when the host already buffered it (e.g. `express.raw()`). */
  rawBody?: Uint8Array;
  /** A body the host already parsed (e.g. `express.json()`); handed over, not re-serialised. */
  parsedBody?: ParsedBody;
  /**
   * Origin the route sees (`https://app.example.com`); default `http://<Host header>`. A
   * function is called only when a route reads the request's URL (most never do), so an
   * adapter need not build the origin on every request.
   */
  origin?: string | (() => string | undefined);
  /**
   * The request target as the client sent it, when the host rewrote `req.url` for a mount
   * (Express's `req.originalUrl`, Koa's `ctx.originalUrl`); default `req.url`.
   */
  url?: string;
  /** The client's address; default the socket's peer address. */
  remoteAddress?: string | null;
}

/**
 * When a request's body clock started, and how a drain of its unread body is bounded. Kept on
 * the request under a symbol: a `WeakMap` entry per request made the garbage collector's work
 * per request several times larger (docs/performance.md#portcullis-own-routes-on-node).
 */
const STARTED = Symbol('portcullis.bodyClock');

type ClockedRequest = IncomingMessage & { [STARTED]?: number };

function startedAt(req: IncomingMessage): number {
  return (req as ClockedRequest)[STARTED] ?? Date.now();
}

/**
 * Reads a Node request's body up to `limit` bytes. Past the limit or the deadline it stops
 * listening and drains the rest instead of destroying the socket, so the client still reads the
 * 413/408 (the drain itself is bounded by the same deadline: see `releaseUnreadBody`).
 */
function readNodeBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Uint8Array> {
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(bodyTooLarge());
  const begun = startedAt(req);
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const finish = (error: PortcullisError | null): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) reject(error);
      else resolve(concatChunks(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > limit) finish(bodyTooLarge());
      else chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    };
    const onEnd = (): void => finish(null);
    // The client went away mid-body: nobody will read the answer, but the route must not hang.
    const onError = (): void => finish(badBody());
    const onClose = (): void => {
      if (!req.complete) finish(badBody());
    };
    const timer = setTimeout(
      () => finish(bodyTimedOut()),
      Math.max(0, begun + timeoutMs - Date.now()),
    );
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
    req.resume();
  });
}

function badBody(): PortcullisError {
  return new PortcullisError(ErrorCode.BAD_REQUEST, 'The request body was cut off', {
    detail: 'There was an error parsing the body',
  });
}

/**
 * The methods Portcullis answers on a path it owns: the route's own, HEAD wherever GET is (as
 * Starlette does), 405 with `Allow` for the rest of these (see
 * docs/contract/routes.md#framework-rules). Rarer methods (TRACE, WebDAV's) go to the app:
 * Fastify, which the adapters must match, only routes a fixed list.
 */
export const ANSWERED_METHODS: readonly string[] = Object.freeze([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

export const ANSWERED = new Set(ANSWERED_METHODS);

/**
 * A Node request's method in upper case. Node's parser already gives it so; `toUpperCase` on
 * every request would cost more than the check (it goes through V8's locale-aware runtime).
 */
export function methodOf(req: IncomingMessage): string {
  const method = req.method ?? 'GET';
  return ANSWERED.has(method) ? method : method.toUpperCase();
}

/**
 * A Node request as core's routes read it, without building a WHATWG `Request`: headers are
 * read from `req.headers` on demand, the URL is resolved only if a route asks for it, and the
 * body is read straight from the stream under the route's size limit and a deadline
 * (408 past it).
 *
 * @example
 * ```ts
 * const response = await handler.respond(nodeRequest(req, { parsedBody }), '/auth/jwt/login');
 * ```
 */
export function nodeRequest(
  req: IncomingMessage,
  options: NodeRequestOptions = {},
): PortcullisRequest {
  const request = new NodeRequest(req, options);
  // Core's GET and HEAD routes never read a body, so only other methods start the clock now; an
  // unread body's drain then starts its own (`startedAt`).
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    (req as ClockedRequest)[STARTED] = Date.now();
  }
  return request;
}

/**
 * `nodeRequest`'s answer. A class rather than an object literal with a getter: V8 gives every
 * such literal's objects a map of their own, and the garbage collector's work per request grew
 * several-fold (docs/performance.md#portcullis-own-routes-on-node).
 */
class NodeRequest implements PortcullisRequest {
  readonly method: string;
  readonly parsedBody: ParsedBody | undefined;
  readonly #req: IncomingMessage;
  readonly #options: NodeRequestOptions;
  #url: string | undefined;

  constructor(req: IncomingMessage, options: NodeRequestOptions) {
    this.method = methodOf(req);
    this.parsedBody = options.parsedBody;
    this.#req = req;
    this.#options = options;
  }

  /**
   * Read when a route asks (the per-address budget, login throttling, session metadata): the
   * socket's peer address is a lookup through Node's `net` module, which most requests never
   * need (docs/performance.md#fewer-steps-on-core-s-own-routes).
   */
  get remoteAddress(): string | null {
    const req = this.#req;
    return this.#options.remoteAddress ?? req.socket?.remoteAddress ?? null;
  }

  get url(): string {
    if (this.#url === undefined) {
      const options = this.#options;
      const req = this.#req;
      const headers = req.headers;
      const given = options.origin;
      const origin = typeof given === 'function' ? given() : given;
      this.#url = resolveUrl(
        options.url ?? req.url ?? '/',
        origin ?? `http://${headers.host ?? 'localhost'}`,
      );
    }
    return this.#url;
  }

  header(name: string): string | null {
    const value = this.#req.headers[name];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  clientGone(): boolean {
    // The connection, not the request stream: that one ends (and is destroyed) once its body
    // has been read, while a keep-alive connection lives on.
    const socket = this.#req.socket as { destroyed?: boolean } | null | undefined;
    return socket?.destroyed === true;
  }

  readBody(limit: number, timeoutMs = DEFAULT_BODY_TIMEOUT_MS): Promise<Uint8Array> {
    const raw = this.#options.rawBody;
    if (raw) return raw.byteLength > limit ? Promise.reject(bodyTooLarge()) : Promise.resolve(raw);
    return readNodeBody(this.#req, limit, timeoutMs);
  }
}

function resolveUrl(target: string, origin: string): string {
  try {
    return new URL(target, origin).href;
  } catch {
    try {
      return new URL(target, 'http://localhost').href;
    } catch {
      return 'http://localhost/';
    }
  }
}

/**
 * Writes a route's answer to a Node response; every `Set-Cookie` stays a header of its own,
 * after any cookie the app's middleware already set on `res`.
 *
 * @example
 * ```ts
 * const response = await handler.respond(nodeRequest(req), pathname);
 * if (response) writeNodeResponse(req, res, response);
 * ```
 */
export function writeNodeResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: PortcullisResponse,
): void {
  res.statusCode = response.status;
  releaseUnreadBody(req);
  eachHeader(response, (name, value) => {
    if (name !== 'set-cookie') return res.setHeader(name, value);
    const earlier = res.getHeader('set-cookie');
    const before =
      earlier === undefined ? [] : Array.isArray(earlier) ? earlier : [String(earlier)];
    res.setHeader(name, [...before, ...value]);
  });
  if (response.body === null) {
    res.end();
    return;
  }
  const body = Buffer.from(response.body);
  res.setHeader('content-length', body.byteLength);
  res.end(body);
}

function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads what a host body parser left (Express `req.body`, Koa `ctx.request.body`): JSON values
 * for JSON requests, string maps for urlencoded forms. Returns undefined when the host did not
 * read the body, or parsed it into something core does not take (then core reads it raw).
 */
function parsedBodyOf(req: IncomingMessage, body: unknown): ParsedBody | undefined {
  const type = mediaTypeOf(req);
  const json = type === 'application/json' || type.endsWith('+json');
  // Host JSON parsers turn an empty body into `{}` (body-parser, co-body); FastAPI sees no body
  // at all and answers 422 `loc: ["body"]`, so an empty body stays absent.
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
 * The body options for `nodeRequest` from what the host left: a parsed body is handed over as
 * is, bytes or text a raw parser kept (`express.raw()`, `express.text()`) become the raw body.
 *
 * @example
 * ```ts
 * const request = nodeRequest(req, hostBodyOptions(req, req.body));
 * ```
 */
export function hostBodyOptions(
  req: IncomingMessage,
  body: unknown,
): Pick<NodeRequestOptions, 'parsedBody' | 'rawBody'> {
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
 * uploading is not cut off before it reads the answer. The drain is bounded by the body
 * deadline: a client still trickling past it has its connection closed.
 *
 * @example
 * ```ts
 * releaseUnreadBody(reply.request.raw);
 * ```
 */
export function releaseUnreadBody(req: IncomingMessage): void {
  if (req.complete || req.readableEnded) return;
  req.resume();
  const begun = startedAt(req);
  // A second past the deadline, so an answer already written (a 408) still reaches the client.
  const timer = setTimeout(
    () => {
      if (!req.complete) req.socket?.destroy();
    },
    Math.max(0, begun + DEFAULT_BODY_TIMEOUT_MS - Date.now()) + 1000,
  );
  timer.unref();
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
}
