import type { CurrentUserOptions, Portcullis, User } from '@portcullis/core';
import { isPortcullisError } from '@portcullis/core';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

const PHRASE = { 401: 'Unauthorized', 403: 'Forbidden' } as const;

/**
 * A preHandler that sets `request.user` or answers 401/403 with FastAPI Users' bodies
 * (spec §5). Build it once per set of requirements.
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
    let result: Awaited<ReturnType<typeof guard>>;
    try {
      result = await guard({
        authorization: request.headers.authorization,
        cookie: request.headers.cookie,
      });
    } catch (error) {
      if (isPortcullisError(error) && error.status === 503) {
        return reply.status(503).send({ detail: 'SERVICE_UNAVAILABLE' });
      }
      throw error;
    }
    if (!result.ok) return reply.status(result.status).send({ detail: PHRASE[result.status] });
    request.user = result.user;
  };
}
