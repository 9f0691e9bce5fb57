import { ErrorCode, PortcullisError } from '../errors';

/** A body the host framework already parsed, handed over so it is never parsed twice. */
export type ParsedBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> };

/**
 * What core's routes read of a request. The Fetch handler builds it from a WHATWG `Request`;
 * the Node bridge builds it straight from `IncomingMessage`, so the Node path never pays for
 * undici's `Request` and its web streams (on Node 20 those cost about half of a cheap route:
 * see docs/performance.md).
 *
 * @example
 * ```ts
 * const request: PortcullisRequest = {
 *   method: 'GET',
 *   url: 'http://localhost/users/me',
 *   header: (name) => (name === 'authorization' ? `Bearer ${token}` : null),
 *   remoteAddress: '127.0.0.1',
 *   readBody: async () => new Uint8Array(0),
 * };
 * ```
 */
export interface PortcullisRequest {
  /** Upper-case method, e.g. `POST`. */
  readonly method: string;
  /** The absolute URL the client addressed (origin, path and query). */
  readonly url: string;
  /** A header's value by lower-case name, or null; repeated headers are joined with `, `. */
  header(name: string): string | null;
  /**
   * The client's address as the host's connection reports it (the socket peer, or what the
   * host already decided to believe), never read from forwarding headers here: core applies
   * its own `trustProxy` rule on top. Null when the host cannot tell.
   */
  readonly remoteAddress: string | null;
  /**
   * The raw body, at most `limit` bytes (413 `BODY_TOO_LARGE` beyond, without buffering the
   * rest), complete within `timeoutMs` of the request's arrival (408 `REQUEST_TIMEOUT`
   * otherwise); empty when there is none. Read at most once.
   */
  readBody(limit: number, timeoutMs?: number): Promise<Uint8Array>;
  /** A body the host already parsed (Express `req.body`), used instead of `readBody`. */
  readonly parsedBody?: ParsedBody | undefined;
  /**
   * True once the client has closed its connection (or aborted the request): no answer can
   * reach it. The login route asks before each password hash waits its turn, so a flood of
   * logins whose clients gave up does not keep the cores busy. Optional: a host that cannot
   * tell leaves it out, and every login is checked.
   */
  clientGone?(): boolean;
}

/** The 413 every body reader throws past the limit. */
export function bodyTooLarge(): PortcullisError {
  return new PortcullisError(ErrorCode.BODY_TOO_LARGE, 'Request body is larger than the limit');
}

/** Joins body chunks into one array (no copy for a single chunk). */
export function concatChunks(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** How long a request may take to deliver its body, by default (408 past it). */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

/** The 408 every body reader throws past the deadline. */
export function bodyTimedOut(): PortcullisError {
  return new PortcullisError(ErrorCode.REQUEST_TIMEOUT, 'The request body was not sent in time');
}

/**
 * Reads a web stream up to `limit` bytes, cancelling it past the limit (413) or the deadline
 * (408).
 */
async function readStream(
  stream: ReadableStream<Uint8Array>,
  declared: string | null,
  limit: number,
  deadline: number,
): Promise<Uint8Array> {
  const length = Number(declared);
  if (declared !== null && Number.isFinite(length) && length > limit) throw bodyTooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), Math.max(0, deadline - Date.now()));
  });
  for (;;) {
    const next = await Promise.race([reader.read(), expired]).catch((error: unknown) => {
      clearTimeout(timer);
      throw error;
    });
    if (next === 'expired') {
      await reader.cancel().catch(() => undefined);
      throw bodyTimedOut();
    }
    const { done, value } = next;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      clearTimeout(timer);
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  clearTimeout(timer);
  return concatChunks(chunks, size);
}

/** Where the Fetch handler takes the client's address from, per request. */
export interface FetchConnectionInfo {
  /** The client's address as the runtime reports it (Bun's `server.requestIP`, Deno's `remoteAddr`). */
  remoteAddress?: string | null;
}

/**
 * A WHATWG `Request` as core's routes read it.
 *
 * @example
 * ```ts
 * const request = fromFetchRequest(new Request('http://localhost/users/me'), { remoteAddress: '10.0.0.7' });
 * ```
 */
export function fromFetchRequest(
  request: Request,
  connection: FetchConnectionInfo = {},
): PortcullisRequest {
  const arrived = Date.now();
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    header: (name) => request.headers.get(name),
    remoteAddress: connection.remoteAddress ?? null,
    readBody: (limit, timeoutMs = DEFAULT_BODY_TIMEOUT_MS) =>
      request.body
        ? readStream(
            request.body,
            request.headers.get('content-length'),
            limit,
            arrived + timeoutMs,
          )
        : Promise.resolve(new Uint8Array(0)),
    // Runtimes abort a request's signal when its client disconnects (Bun, Deno, Node's own).
    clientGone: () => request.signal.aborted,
  };
}
