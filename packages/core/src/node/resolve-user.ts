import type { IncomingHttpHeaders } from 'node:http';
import { isPortcullisError } from '../errors';
import { RETRY_AFTER_HEADERS } from '../internal/retry-after';
import type { CurrentUserGuard } from '../portcullis';
import type { User } from '../types';

/** What a guard decided for one request: the user, or the answer to send instead. */
export type GuardOutcome<U extends User = User> =
  | { ok: true; user: U | null }
  | {
      ok: false;
      status: 401 | 403 | 503;
      body: { detail: string };
      /** Headers to send with the answer: `Retry-After` on a 503. */
      headers?: Readonly<Record<string, string>>;
    };

const DETAIL = { 401: 'Unauthorized', 403: 'Forbidden' } as const;

/**
 * Runs a guard on a Node request's headers and says what to answer: FastAPI Users' 401/403
 * bodies (spec §5), or 503 `SERVICE_UNAVAILABLE` with `Retry-After` (in `headers`) when the
 * store is down. Any other error rejects, for the app's error handler. The adapters'
 * `requireUser()` middlewares are this plus a line to set the framework's user slot.
 *
 * @example
 * ```ts
 * const guard = auth.currentUser({ active: true });
 * const outcome = await resolveUser(guard, req.headers);
 * if (!outcome.ok) return res.status(outcome.status).set(outcome.headers ?? {}).json(outcome.body);
 * ```
 */
export async function resolveUser<U extends User>(
  guard: CurrentUserGuard<U>,
  headers: IncomingHttpHeaders,
): Promise<GuardOutcome<U>> {
  let result: Awaited<ReturnType<CurrentUserGuard<U>>>;
  try {
    result = await guard({ authorization: headers.authorization, cookie: headers.cookie });
  } catch (error) {
    if (isPortcullisError(error) && error.status === 503) {
      return {
        ok: false,
        status: 503,
        body: { detail: 'SERVICE_UNAVAILABLE' },
        headers: RETRY_AFTER_HEADERS,
      };
    }
    throw error;
  }
  if (!result.ok)
    return { ok: false, status: result.status, body: { detail: DETAIL[result.status] } };
  return { ok: true, user: result.user };
}
