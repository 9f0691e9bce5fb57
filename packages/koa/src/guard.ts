import type { CurrentUserOptions, Portcullis, User } from '@portcullis/core';
import { resolveUser } from '@portcullis/core/adapter';
import type { Middleware } from 'koa';
import { sendResponse } from './send';
import './augment';

/**
 * Middleware that sets `ctx.state.user` or answers 401/403 with FastAPI Users' bodies,
 * 503 when the store is down. Build it once per set of requirements, reuse it on many routes.
 *
 * @example
 * ```ts
 * router.get('/private', requireUser(auth, { active: true }), (ctx) => {
 *   ctx.body = { hello: ctx.state.user?.email };
 * });
 * ```
 */
export function requireUser<U extends User>(
  portcullis: Portcullis<U>,
  options: CurrentUserOptions = {},
): Middleware {
  const guard = portcullis.currentUser(options);
  return async function portcullisGuard(ctx, next) {
    const outcome = await resolveUser(guard, ctx.headers);
    if (!outcome.ok) {
      sendResponse(ctx, outcome.response);
      return;
    }
    ctx.state.user = outcome.user ?? undefined;
    await next();
  };
}
