import type { CurrentUserOptions, Portcullis, User } from '@portcullis/core';
import { resolveUser } from '@portcullis/core/adapter';
import { writeNodeResponse } from '@portcullis/core/node';
import type { RequestHandler } from 'express';
import type { ParamsDictionary, Query } from 'express-serve-static-core';
import type { UserLocals } from './augment';
import './augment';

/** The middleware `requireUser()` returns; the handlers after it see `req.user` as `U`. */
export type UserGuardHandler<U> = RequestHandler<
  ParamsDictionary,
  unknown,
  unknown,
  Query,
  UserLocals<U>
>;

/**
 * Middleware that sets `req.user` or answers 401/403 with FastAPI Users' bodies, 503 with
 * `Retry-After` when the store is down. Build it once per set of requirements, reuse it on many
 * routes. On the routes it guards `req.user` is typed as the app's user (inferred from
 * `createPortcullis`), or `user | undefined` with `optional: true`.
 *
 * @example
 * ```ts
 * app.get('/private', requireUser(auth, { active: true }), (req, res) => {
 *   res.json({ hello: req.user.email });
 * });
 * ```
 */
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions & { optional: true },
): UserGuardHandler<U | undefined>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options?: CurrentUserOptions & { optional?: false },
): UserGuardHandler<U>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options?: CurrentUserOptions,
): UserGuardHandler<U | undefined>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions = {},
): UserGuardHandler<U | undefined> {
  const guard = portcullis.currentUser(options);
  return function portcullisGuard(req, res, next) {
    resolveUser(guard, req.headers).then((outcome) => {
      if (!outcome.ok) {
        writeNodeResponse(req, res, outcome.response);
        return;
      }
      // req.user is typed per route from the locals type; this is the one place that sets it.
      (req as { user?: U }).user = outcome.user;
      next();
    }, next);
  };
}
