import type { Mounts, Portcullis, User } from '@portcullis/core';
import { routeNodeRequest } from '@portcullis/core/node';
import type { Middleware } from 'koa';
import { sendResponse } from './send';

export interface PortcullisMiddlewareOptions<U extends User = User> {
  portcullis: Portcullis<U>;
  /** Routers and their prefixes, e.g. `[['/auth/jwt', portcullis.authRouter('jwt')]]`. */
  routes: Mounts;
  /** A path every route is mounted under, e.g. `/api` (Koa has no mount point of its own). */
  prefix?: string;
}

/**
 * Koa middleware answering the Portcullis routes; every other path goes on to `next()`. A body
 * a body parser already set on `ctx.request.body` is reused; without one the raw body streams to
 * core, so malformed JSON gets FastAPI's 422. Errors from hooks propagate to the app's
 * error-handling middleware.
 *
 * @example
 * ```ts
 * const app = new Koa();
 * app.use(
 *   portcullis({
 *     portcullis: auth,
 *     routes: [
 *       ['/auth/jwt', auth.authRouter('jwt')],
 *       ['/auth', auth.registerRouter()],
 *       ['/users', auth.usersRouter()],
 *     ],
 *   }),
 * );
 * ```
 */
export function portcullis<U extends User>(options: PortcullisMiddlewareOptions<U>): Middleware {
  const trimmed = (options.prefix ?? '').replace(/\/+$/, '');
  const prefix = trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  const routes: Mounts = options.routes.map(([path, router]) => [`${prefix}${path}`, router]);
  const handler = options.portcullis.handler(routes);
  return async function portcullisMiddleware(ctx, next) {
    const response = await routeNodeRequest(handler, ctx.req, {
      pathname: ctx.path,
      hostBody: (ctx.request as { body?: unknown }).body,
      url: ctx.originalUrl,
      // Built only if the route reads its URL (most never do).
      origin: () => ctx.origin,
    });
    if (!response) return next();
    sendResponse(ctx, response);
  };
}
