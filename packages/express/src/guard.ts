import type { CurrentUserOptions, Portcullis, User } from '@portcullis/core';
import { resolveUser } from '@portcullis/core/adapter';
import { writeNodeResponse } from '@portcullis/core/node';
import type { RequestHandler } from 'express';
import './augment';

/**
 * Middleware that sets `req.user` or answers 401/403 with FastAPI Users' bodies 503
 * with `Retry-After` when the store is down. Build it once per set of requirements, reuse it on many routes.
 *
 * @example
 * ```ts
 * app.get('/private', requireUser(auth, { active: true }), (req, res) => {
 *   res.json({ hello: req.user?.email });
 * });
 * ```
 */
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions = {},
): RequestHandler {
  const guard = portcullis.currentUser(options);
  return function portcullisGuard(req, res, next) {
    resolveUser(guard, req.headers).then((outcome) => {
      if (!outcome.ok) {
        writeNodeResponse(req, res, outcome.response);
        return;
      }
      req.user = outcome.user ?? undefined;
      next();
    }, next);
  };
}
