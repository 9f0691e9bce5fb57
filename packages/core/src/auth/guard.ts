import { isPortcullisError, type PortcullisError } from '../errors';
import {
  type PortcullisResponse,
  serviceUnavailable,
  statusError,
  toFetchResponse,
} from '../http/response';
import type { User } from '../types';
import type { AuthResult, AuthSettle, CurrentUserGuard } from './authenticator';
import type { CredentialHeaders } from './transport';

/**
 * What a guard decided for one request: the user (undefined only for an optional guard that
 * found none: the one absent-user convention of every adapter), or the answer to send instead.
 */
export type GuardOutcome<U extends User = User> =
  | { ok: true; user: U | undefined }
  | { ok: false; response: PortcullisResponse };

/**
 * Where a guard built by `createPortcullis` keeps its own outcome function: the authentication
 * settled straight into the outcome, in the one async function that awaits the strategy
 * (docs/performance.md). Internal; a guard without it has its answer mapped.
 */
export const GUARD_OUTCOME: unique symbol = Symbol('portcullis.guardOutcome');

/**
 * The outcome of an authentication as an adapter sends it: FastAPI Users' 401 and 403 bodies,
 * or 503 with `Retry-After` when the store is down (after `onUnavailable`, which tells the
 * operator). Any other error is thrown on.
 */
export function guardSettle<U extends User>(
  onUnavailable?: (error: PortcullisError) => void,
): AuthSettle<U, GuardOutcome<U>> {
  return {
    done: (result) =>
      result.ok
        ? { ok: true, user: result.user ?? undefined }
        : { ok: false, response: statusError(result.status) },
    failed: (error) => {
      if (isPortcullisError(error) && error.status === 503) {
        onUnavailable?.(error);
        return { ok: false, response: serviceUnavailable() };
      }
      throw error;
    },
  };
}

const MAPPED = guardSettle<User>();

/** The outcome of a guard without an outcome function of its own (an app's). */
async function mapGuard<U extends User>(
  guard: CurrentUserGuard<U>,
  headers: CredentialHeaders,
): Promise<GuardOutcome<U>> {
  const settle = MAPPED as unknown as AuthSettle<U, GuardOutcome<U>>;
  let result: AuthResult<U>;
  try {
    result = await guard(headers);
  } catch (error) {
    return settle.failed(error);
  }
  return settle.done(result);
}

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
export function resolveUser<U extends User>(
  guard: CurrentUserGuard<U>,
  headers: CredentialHeaders,
): Promise<GuardOutcome<U>> {
  const own = (guard as { [GUARD_OUTCOME]?: (h: CredentialHeaders) => Promise<GuardOutcome<U>> })[
    GUARD_OUTCOME
  ];
  return own ? own(headers) : mapGuard(guard, headers);
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
