import type { PortcullisError } from '../errors';
import type { PortcullisRequest } from '../http/request';
import type { Logger } from '../logger';
import { pathOf } from './url-path';

/** Where a request was going, without its query string, headers or body. */
function whereTo(request: PortcullisRequest | null): object {
  return request ? { method: request.method, path: pathOf(request.url) } : {};
}

/** A logger that throws must not turn the answer being sent into a 500. */
function safely(write: () => void): void {
  try {
    write();
  } catch {
    // The answer matters more than the log line.
  }
}

/** An error that is not a Portcullis error (a throwing hook, a bug): the Fetch handler's 500. */
export function logUnexpected(
  logger: Logger | undefined,
  error: unknown,
  request: PortcullisRequest,
): void {
  if (!logger) return;
  safely(() =>
    logger.error({ err: error, ...whereTo(request) }, 'Unexpected error in a Portcullis route'),
  );
}

/**
 * A store that could not be reached: the client gets 503 with `Retry-After`, the operator this
 * line. `request` is null for a guard, which sees credential headers only.
 */
export function logUnavailable(
  logger: Logger | undefined,
  error: PortcullisError,
  request: PortcullisRequest | null,
): void {
  if (!logger) return;
  safely(() =>
    logger.error(
      { err: error, code: error.code, ...whereTo(request) },
      'A store is unavailable: answered 503',
    ),
  );
}
