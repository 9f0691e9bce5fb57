import type { Mounts, Portcullis, User } from '@portcullis/core';
import { handleNodeRequest } from '@portcullis/core/node';
import type { RequestHandler } from 'express';

export interface PortcullisRouterOptions<U extends User = User> {
  portcullis: Portcullis<U>;
  /** Routers and their prefixes, e.g. `[['/auth/jwt', portcullis.authRouter('jwt')]]`. */
  routes: Mounts;
}

/**
 * Express middleware answering the Portcullis routes; every other path goes on to `next()`.
 * Mount it anywhere (`app.use('/api', portcullis(...))`): routes match below the mount path.
 * A body `express.json()` or `express.urlencoded()` already parsed is reused; without them the
 * raw body streams to core, so malformed JSON gets FastAPI's 422. Errors from hooks go to the
 * app's error handler.
 *
 * @example
 * ```ts
 * const app = express();
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
export function portcullis<U extends User>(options: PortcullisRouterOptions<U>): RequestHandler {
  const handler = options.portcullis.handler(options.routes);
  return function portcullisRouter(req, res, next) {
    handleNodeRequest(handler, req, res, {
      pathname: req.path,
      hostBody: req.body,
      url: req.originalUrl,
      // `req.protocol` and `req.ip` honour the app's `trust proxy` setting, as the rest of the
      // app sees them; without it, the socket's peer is the client. When Portcullis has its
      // own `trustProxy`, core resolves forwarding from the socket's peer instead, so the
      // chain is never walked twice (docs/abuse-protection.md).
      // Built only if the route reads its URL (most never do).
      origin: () => (req.host ? `${req.protocol}://${req.host}` : undefined),
      remoteAddress:
        req.app.get('trust proxy') && !options.portcullis.trustProxy ? (req.ip ?? null) : undefined,
    }).then((handled) => {
      if (!handled) next();
    }, next);
  };
}
