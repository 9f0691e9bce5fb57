import { isPortcullisError } from '../errors';
import {
  type PortcullisResponse,
  serviceUnavailable,
  statusError,
  toFetchResponse,
} from '../http/response';
import type { User } from '../types';
import type { CurrentUserGuard } from './authenticator';
import type { CredentialHeaders } from './transport';

/**
 * What a guard decided for one request: the user (undefined only for an optional guard that
 * found none: the one absent-user convention of every adapter), or the answer to send instead.
 */
export type GuardOutcome<U extends User = User> =
  | { ok: true; user: U | undefined }
  | { ok: false; response: PortcullisResponse };

/**
 * Runs a guard on a request's credential headers and says what to answer: FastAPI Users' 401
 * and 403 bodies, or 503 `SERVICE_UNAVAILABLE` with `Retry-After` when the store is down. Any
 * other error rejects, for the host's error handler. Every framework adapter's
 * `requireUser()` is this plus the line that sets the framework's user slot.
 *
 * @example
 * ```ts
 * const guard = auth.currentUser({ active: true });
 * const outcome = await resolveUser(guard, { authorization: req.headers.authorization });
 * if (!outcome.ok) return send(outcome.response);
 * ```
 */
export async function resolveUser<U extends User>(
  guard: CurrentUserGuard<U>,
  headers: CredentialHeaders,
): Promise<GuardOutcome<U>> {
  let result: Awaited<ReturnType<CurrentUserGuard<U>>>;
  try {
    result = await guard(headers);
  } catch (error) {
    if (isPortcullisError(error) && error.status === 503) {
      return { ok: false, response: serviceUnavailable() };
    }
    throw error;
  }
  if (!result.ok) return { ok: false, response: statusError(result.status) };
  return { ok: true, user: result.user ?? undefined };
}

/**
 * `resolveUser` for a WHATWG `Request` (Hono, Bun, Deno, Next route handlers): the user, or
 * the `Response` to return instead.
 *
 * @example
 * ```ts
 * const guard = auth.currentUser({ active: true });
 * app.get('/private', async (c) => {
 *   const outcome = await guardRequest(guard, c.req.raw);
 *   if (!outcome.ok) return outcome.response;
 *   return c.json({ email: outcome.user?.email });
 * });
 * ```
 */
export async function guardRequest<U extends User>(
  guard: CurrentUserGuard<U>,
  request: Request,
): Promise<{ ok: true; user: U | undefined } | { ok: false; response: Response }> {
  const outcome = await resolveUser(guard, {
    authorization: request.headers.get('authorization'),
    cookie: request.headers.get('cookie'),
  });
  return outcome.ok ? outcome : { ok: false, response: toFetchResponse(outcome.response) };
}
