import type { PortcullisRequest } from '../http/request';
import type { Logger } from '../logger';
import type { RateLimitErrorEvent } from './events';

/** Reports a limiter-store failure: the log line (bounded) and the event. */
export interface StoreFailureSink {
  readonly logger: Logger | undefined;
  onRateLimitError(event: RateLimitErrorEvent, request?: PortcullisRequest): Promise<void>;
}

/** At most one log line per this many milliseconds while the store keeps failing. */
const LOG_EVERY_MS = 10_000;

/**
 * Runs store calls under a deadline and fails open: a store that throws or does not answer in
 * `timeoutMs` yields `undefined`, logs at `error` (one line per 10 s at most, with the number of
 * failures it stands for, so an outage under load does not flood the log) and fires
 * `onRateLimitError`. A limiter outage must never become a 500 or a hang of the login route: a
 * login that goes through unthrottled for a while is the lesser harm (docs/abuse-protection.md).
 */
export function createGuard(
  timeoutMs: number,
  sink: StoreFailureSink,
): <T>(
  operation: RateLimitErrorEvent['operation'],
  request: PortcullisRequest,
  call: () => Promise<T>,
) => Promise<T | undefined> {
  let lastLog = 0;
  let unlogged = 0;
  const report = async (
    operation: RateLimitErrorEvent['operation'],
    error: unknown,
    request: PortcullisRequest,
  ): Promise<void> => {
    unlogged += 1;
    const now = Date.now();
    if (now - lastLog >= LOG_EVERY_MS) {
      sink.logger?.error(
        { err: error, operation, failures: unlogged },
        'Rate-limit store failed: requests pass unchecked until it answers again',
      );
      lastLog = now;
      unlogged = 0;
    }
    await sink.onRateLimitError({ operation, error }, request);
  };

  return async (operation, request, call) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`rate-limit store did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([call(), deadline]);
    } catch (error) {
      await report(operation, error, request);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
}
