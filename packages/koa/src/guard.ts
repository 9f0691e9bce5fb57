import type { CurrentUserOptions, Portcullis, User } from '@portcullis/core';
import { resolveUser } from '@portcullis/core/adapter';
import type { Middleware } from 'koa';
import { sendResponse } from './send';

/** The state `requireUser()` adds: Koa and `@koa/router` carry it to the middleware after it. */
export interface UserState<U> {
  /**
   * Set by `requireUser()`: the current user, typed as the app's user; undefined when an
   * optional guard found no user.
   */
  user: U;
}

/**
 * Middleware that sets `ctx.state.user` or answers 401/403 with FastAPI Users' bodies,
 * 503 when the store is down. Build it once per set of requirements, reuse it on many routes.
 * The middleware after it see `ctx.state.user` typed as the app's user (inferred from
 * `createPortcullis`), or `user | undefined` with `optional: true`.
 *
 * @example
 * ```ts
 * router.get('/private', requireUser(auth, { active: true }), (ctx) => {
 *   ctx.body = { hello: ctx.state.user.email };
 * });
 * ```
 */
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions & { optional: true },
): Middleware<UserState<U | undefined>>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options?: CurrentUserOptions & { optional?: false },
): Middleware<UserState<U>>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options?: CurrentUserOptions,
): Middleware<UserState<U | undefined>>;
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions = {},
): Middleware<UserState<U | undefined>> {
  const guard = portcullis.currentUser(options);
  return async function portcullisGuard(ctx, next) {
    const outcome = await resolveUser(guard, ctx.headers);
    if (!outcome.ok) {
      sendResponse(ctx, outcome.response);
      return;
    }
    ctx.state.user = outcome.user;
    await next();
  };
}
