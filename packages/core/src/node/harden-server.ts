import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { DEFAULT_BODY_TIMEOUT_MS } from '../http/request';

export interface HardenServerOptions {
  /**
   * Milliseconds a client has to send a whole request, headers and body (Node's
   * `requestTimeout`, checked every second). Past it the client gets 408 and the connection is
   * closed, on the app's own routes too. Default 30 000, the same as core's body deadline.
   */
  requestTimeoutMs?: number;
  /** Milliseconds a client has to send the request's headers. Default: `requestTimeoutMs`. */
  headersTimeoutMs?: number;
}

/** How often Node looks for requests past their deadline (its default is 30 s, doubling them). */
const CHECK_INTERVAL_MS = 1000;
/** How long an answered broken connection may linger before it is closed from our side. */
const LINGER_MS = 2000;

const PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  431: 'Request Header Fields Too Large',
};

/** The status Node's own default answer uses for each parser failure (the rest are 400). */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** A complete HTTP/1.1 answer with core's `{"detail": ...}` body (ASCII), ending the connection. */
function rawAnswer(status: number, extra = ''): string {
  const body = JSON.stringify({ detail: PHRASES[status] ?? 'Bad Request' });
  return (
    `HTTP/1.1 ${status} ${PHRASES[status] ?? 'Bad Request'}\r\n` +
    'content-type: application/json\r\n' +
    `content-length: ${body.length}\r\n${extra}` +
    'connection: close\r\n\r\n' +
    body
  );
}

/**
 * Ends a connection after `answer`, reading (and dropping) whatever the client still sends, so
 * the kernel does not reset the connection over unread bytes before the client reads the answer.
 * The socket is destroyed once the client hangs up, or after a short grace.
 */
function answerAndClose(socket: Duplex, answer: string | null): void {
  socket.on('error', () => undefined);
  if (answer !== null && socket.writable) socket.end(answer);
  else socket.end();
  socket.resume();
  socket.once('end', () => socket.destroy());
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

const answered = new WeakSet<Duplex>();

/**
 * Answers what Node's HTTP parser refused (an unknown method, broken framing, headers over the
 * limit, a request past its deadline): the status Node would pick, with core's JSON body, so
 * every framework answers alike. Bytes that follow a whole request the app is still answering
 * on the same connection (pipelined) get their answer after that one, in order (RFC 9112
 * §9.3.2), where Node's default writes over it. An answer already under way is never followed
 * by more bytes: the connection just ends.
 */
function onClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  const code = error.code ?? '';
  // The client is gone already; there is nobody to answer.
  if (code === 'ECONNRESET' || code === 'EPIPE' || socket.destroyed) {
    socket.destroy();
    return;
  }
  socket.on('error', () => undefined);
  const answer = rawAnswer(STATUS_BY_CODE[code] ?? 400);
  // Node's own default handler reads the same field to find the answer in progress.
  const current = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  const pending = current && !current.writableFinished ? current : null;
  if (pending?.req.complete && code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
    let done = false;
    const after = (): void => {
      if (done) return;
      done = true;
      answerAndClose(socket, pending.writableFinished ? answer : null);
    };
    pending.once('finish', after);
    pending.once('close', after);
    // An app that never finishes its answer does not keep the connection forever.
    setTimeout(() => socket.destroy(), DEFAULT_BODY_TIMEOUT_MS).unref();
    return;
  }
  // The request being answered is the broken or late one: it gets this answer instead.
  answerAndClose(socket, pending?.headersSent ? null : answer);
}

/**
 * CONNECT asks an HTTP proxy for a tunnel; without a `connect` listener Node drops the
 * connection without a word. An origin server answers 405 (the empty `Allow` says the target,
 * an authority rather than a path, allows no method: RFC 9110 §10.2.1).
 */
function onConnect(_request: IncomingMessage, socket: Duplex): void {
  answerAndClose(socket, rawAnswer(405, 'allow: \r\n'));
}

/**
 * A body the app stopped reading (a body parser that answered 413 and paused the stream) is
 * drained once the answer is sent; otherwise the next request on that keep-alive connection
 * would wait behind the unread bytes and never be answered. Node drains only bodies nobody
 * started to read. The drain is bounded by the request deadline.
 */
function onRequest(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (!req.complete && req.readableFlowing !== true && req.listenerCount('data') === 0) {
      req.resume();
    }
  });
}

/**
 * Makes a Node HTTP server answer what its framework never sees, the same way on Express, Koa
 * and Fastify (docs/reliability-http.md):
 *
 * - every request must arrive whole within `requestTimeoutMs` (408, connection closed), on
 *   every route: slow bodies on the app's own routes cannot hold a connection open forever;
 * - a request Node's parser refuses (an unknown method, broken chunked framing, conflicting
 *   `Content-Length`/`Transfer-Encoding`, headers over the limit) gets 400/408/413/431 with a
 *   `{"detail": ...}` body. This replaces any `clientError` listener already there (Fastify's
 *   included), so all frameworks answer alike;
 * - `CONNECT` gets 405 instead of a dropped connection (unless the app listens for `connect`);
 * - the rest of a body the app stopped reading is drained after its answer, so the connection
 *   serves its next request;
 * - a client that half-closes its side after sending a request (`shutdown(SHUT_WR)`) still gets
 *   the answer: by default Node ends the connection as soon as it sees the client's FIN, so an
 *   answer that takes a moment (a token check) would be lost.
 *
 * Call it before `listen()` (the deadline check interval is read then).
 *
 * @example
 * ```ts
 * const server = createServer(app);
 * hardenServer(server);
 * server.listen(8000);
 * // Fastify: hardenServer(fastify.server) before fastify.listen()
 * ```
 */
export function hardenServer<S extends Server>(server: S, options: HardenServerOptions = {}): S {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  if (!(requestTimeout > 0)) throw new RangeError('requestTimeoutMs must be a positive number');
  const headersTimeout = Math.min(options.headersTimeoutMs ?? requestTimeout, requestTimeout);
  server.requestTimeout = requestTimeout;
  server.headersTimeout = headersTimeout;
  if (!server.listening) {
    // Writable on a server created with default options; not part of @types/node's Server.
    (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval =
      CHECK_INTERVAL_MS;
  }
  // Node's own switch for "answer a half-closed request, then close": off by default.
  (server as { httpAllowHalfOpen?: boolean }).httpAllowHalfOpen = true;
  server.removeAllListeners('clientError');
  server.on('clientError', onClientError);
  if (server.listenerCount('connect') === 0) server.on('connect', onConnect);
  server.on('request', onRequest);
  return server;
}
