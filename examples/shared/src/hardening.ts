import type { Logger } from '@portcullis/core';
import { pino } from 'pino';
import { errorAnswer } from './pages';

/**
 * The demos' logger: pino, one JSON line per event on stderr. It hears of unexpected errors
 * (every 500) and outages (every 503), from Portcullis and from the app; never a token, a
 * password or a secret (the demo mailer alone prints tokens, to OUTBOX and stdout). Requests
 * are not logged.
 */
export function createDemoLogger(): Logger {
  // Synchronous: a line written just before the process exits (a failed start) is not lost.
  return pino(pino.destination({ dest: 2, sync: true }));
}

/** The path of a request target, for log lines: never the query, which may carry a token. */
function pathOnly(target: string | undefined): string {
  const path = (target ?? '/').split(/[?#]/, 1)[0];
  return path || '/';
}

/**
 * `errorAnswer`, and a log line when the answer is a 500: the demo's error handlers on every
 * framework go through it.
 */
export function answerError(
  logger: Logger,
  error: unknown,
  request: { method?: string; url?: string },
): { status: number; body: { detail: string } } {
  const answer = errorAnswer(error);
  if (answer.status >= 500) {
    logger.error(
      { err: error, method: request.method, path: pathOnly(request.url) },
      'Unexpected error while answering a request',
    );
  }
  return answer;
}

/** Errors a client causes by going away or sending garbage: not the operator's concern. */
const CLIENT_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_HTTP_REQUEST_TIMEOUT',
]);

function isClientError(error: unknown): boolean {
  const { code, status, expose } = (error ?? {}) as {
    code?: unknown;
    status?: unknown;
    expose?: unknown;
  };
  if (typeof code === 'string' && (CLIENT_ERROR_CODES.has(code) || code.startsWith('HPE_'))) {
    return true;
  }
  return expose === true || (typeof status === 'number' && status < 500);
}

/**
 * Koa's `error` listener for the demo. Without one, Koa prints every error that reaches it to
 * stderr, stack and all: a client that sends a malformed chunked body or hangs up mid-answer
 * printed several lines per request. Client errors are dropped; anything else is one log line.
 */
export function koaErrorListener(
  logger: Logger,
): (error: unknown, ctx?: { method?: string; url?: string }) => void {
  return (error, ctx) => {
    if (isClientError(error)) return;
    logger.error(
      { err: error, method: ctx?.method, path: pathOnly(ctx?.url) },
      'Unexpected error in the Koa app',
    );
  };
}

/** How long in-flight requests may take to finish once a shutdown starts. */
export const SHUTDOWN_GRACE_MS = 5000;
/** The process exits by then, whatever is still running (a hung database close, say). */
export const SHUTDOWN_LIMIT_MS = 9000;
