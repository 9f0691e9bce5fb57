import type { CurrentUserOptions, Portcullis, User } from '@portcullis/core';
import { resolveUser } from '@portcullis/core/adapter';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { sendResponse } from './send';

/**
 * A preHandler that sets `request.user` or answers 401/403 with FastAPI Users' bodies
 * 503 with `Retry-After` when the store is down. Build it once per set of requirements.
 *
 * @example
 * ```ts
 * app.get('/private', { preHandler: requireUser(auth, { active: true }) }, (req) => req.user);
 * ```
 */
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions = {},
): preHandlerAsyncHookHandler {
  const guard = portcullis.currentUser(options);
  return async function portcullisGuard(request: FastifyRequest, reply: FastifyReply) {
    const outcome = await resolveUser(guard, request.headers);
    if (!outcome.ok) return sendResponse(reply, outcome.response);
    request.user = outcome.user;
  };
}
