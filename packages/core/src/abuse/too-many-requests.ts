import { ErrorCode } from '../errors';
import { json, type PortcullisResponse } from '../http/response';

/** Whole seconds until `until`, at least 1 (`Retry-After` of RFC 9110 §10.2.3). */
export function retryAfterSeconds(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/**
 * 429 `{"detail":"TOO_MANY_REQUESTS"}` with `Retry-After`. Built here, never by a transport:
 * a throttled login sets no cookie.
 */
export function tooManyRequests(retryAfter: number): PortcullisResponse {
  return json({ detail: ErrorCode.TOO_MANY_REQUESTS }, 429, [['retry-after', String(retryAfter)]]);
}
