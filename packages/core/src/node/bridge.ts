import type { IncomingMessage, ServerResponse } from 'node:http';
import { attachParsedBody, type ParsedBody } from '../http/body';

export interface ToRequestOptions {
  /** The raw body when the host already buffered it (e.g. a Fastify content-type parser). */
  rawBody?: Uint8Array;
  /** A body the host already parsed (e.g. `express.json()`); it is handed over, not re-serialised. */
  parsedBody?: ParsedBody;
  /** Origin to resolve the path against; default `http://<Host header>`. */
  origin?: string;
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
  let url: URL;
  try {
    url = new URL(req.url ?? '/', origin);
  } catch {
    url = new URL(req.url ?? '/', 'http://localhost');
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
 * Writes a WHATWG Response to a Node response; every `Set-Cookie` stays a header of its own.
 */
export async function writeResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
): Promise<void> {
  res.statusCode = response.status;
  releaseUnreadBody(req);
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue;
    res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const body = response.body ? new Uint8Array(await response.arrayBuffer()) : null;
  if (body) res.setHeader('content-length', body.byteLength);
  res.end(body);
}

/**
 * Reads what a host body parser left on `req.body`: JSON objects for JSON requests, string
 * maps for urlencoded forms. Returns undefined when nothing usable was parsed.
 */
export function parsedBodyOf(req: IncomingMessage & { body?: unknown }): ParsedBody | undefined {
  if (req.body === undefined || !req.readableEnded) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded' && typeof req.body === 'object' && req.body) {
    const form: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.body)) {
      const last = Array.isArray(value) ? value[value.length - 1] : value;
      if (typeof last === 'string') form[key] = last;
    }
    return { kind: 'form', value: form };
  }
  if (type === 'application/json' || type.endsWith('+json'))
    return { kind: 'json', value: req.body };
  return undefined;
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
