import type { CurrentUserOptions, Portcullis, User } from '@portcullis/core';
import { resolveUser } from '@portcullis/core/adapter';
import type {
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { UserRoute } from './augment';
import { sendResponse } from './send';

/** The preHandler `requireUser()` returns; the handler after it sees `request.user` as `U`. */
export type UserGuardHook<U> = preHandlerAsyncHookHandler<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  UserRoute<U>
>;

/**
 * A preHandler that sets `request.user` or answers 401/403 with FastAPI Users' bodies, 503 with
 * `Retry-After` when the store is down. Build it once per set of requirements. The handler
 * after it sees `request.user` typed as the app's user (inferred from `createPortcullis`), or
 * `user | undefined` with `optional: true`.
 *
 * @example
 * ```ts
 * app.get('/private', { preHandler: requireUser(auth, { active: true }) }, (req) => ({
 *   hello: req.user.email,
 * }));
 * ```
 */
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions & { optional: true },
): UserGuardHook<U | undefined>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options?: CurrentUserOptions & { optional?: false },
): UserGuardHook<U>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options?: CurrentUserOptions,
): UserGuardHook<U | undefined>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions = {},
): UserGuardHook<U | undefined> {
  const guard = portcullis.currentUser(options);
  return async function portcullisGuard(
    request: FastifyRequest<UserRoute<U | undefined>>,
    reply: FastifyReply,
  ) {
    const outcome = await resolveUser(guard, request.headers);
    if (!outcome.ok) return sendResponse(reply, outcome.response);
    request.user = outcome.user;
  };
}
