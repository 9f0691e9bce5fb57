import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PortcullisHandler } from '../http/handler';
import type { PortcullisResponse } from '../http/response';
import { ANSWERED, hostBodyOptions, methodOf, nodeRequest, writeNodeResponse } from './bridge';

export interface NodeRouteOptions {
  /**
   * The path to match, relative to where the adapter is mounted (Express's `req.path`);
   * default: the path of `req.url`.
   */
  pathname?: string;
  /** What the app's body parser left (Express `req.body`, Koa `ctx.request.body`), if any. */
  hostBody?: unknown;
  /**
   * Origin the route sees; default `http://<Host header>`. A function is called only if the
   * route reads the request's URL.
   */
  origin?: string | (() => string | undefined);
  /** The request target as the client sent it (`req.originalUrl`); default `req.url`. */
  url?: string;
  /** The client's address; default the socket's peer address. */
  remoteAddress?: string | null;
}

function pathOf(target: string | undefined): string {
  const raw = target ?? '/';
  // The common case needs no URL parser: an origin-form target without a query or fragment.
  if (raw.startsWith('/') && !raw.startsWith('//') && !/[?#%\\.]/.test(raw)) return raw;
  try {
    return new URL(raw, 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

/**
 * The answer Portcullis gives a Node request, or null when the path is not one of its routes
 * (the adapter then hands it to the app: `next()`). A known path with another method answers 405
 * with `Allow`. A body the app already parsed is reused, never re-serialised; otherwise the raw
 * body is read from the stream under its size limit. No WHATWG `Request` or `Response` is
 * built. Errors that are not Portcullis errors (a throwing hook, say) reject, so they reach the
 * app's error handler.
 *
 * @example
 * ```ts
 * app.use(async (ctx, next) => {
 *   const response = await routeNodeRequest(handler, ctx.req, { hostBody: ctx.request.body });
 *   if (!response) return next();
 *   // ...copy status, headers (eachHeader) and body onto ctx
 * });
 * ```
 */
export function routeNodeRequest(
  handler: PortcullisHandler,
  req: IncomingMessage,
  options: NodeRouteOptions = {},
): Promise<PortcullisResponse | null> {
  // Not an async function: the answer is the handler's own promise, one async layer fewer on
  // every request (docs/performance.md#fewer-steps-on-core-s-own-routes).
  try {
    const method = methodOf(req);
    const pathname = options.pathname ?? pathOf(req.url);
    const found = handler.match(method, pathname);
    if (!found && (!ANSWERED.has(method) || handler.allowedMethods(pathname).length === 0)) {
      return Promise.resolve(null);
    }
    // Named, not spread: a spread copies the object through V8's generic clone on every request.
    const body = hostBodyOptions(req, options.hostBody);
    const request = nodeRequest(req, {
      origin: options.origin,
      url: options.url,
      remoteAddress: options.remoteAddress,
      rawBody: body.rawBody,
      parsedBody: body.parsedBody,
    });
    return found ? handler.run(found, request) : handler.respond(request, pathname);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * `routeNodeRequest`, then the answer written to `res`. Resolves true when Portcullis answered,
 * false when the request is the app's.
 *
 * @example
 * ```ts
 * const handler = auth.handler([['/auth', auth.registerRouter()]]);
 * createServer(async (req, res) => {
 *   if (!(await handleNodeRequest(handler, req, res))) res.writeHead(404).end();
 * });
 * ```
 */
export async function handleNodeRequest(
  handler: PortcullisHandler,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeRouteOptions = {},
): Promise<boolean> {
  const response = await routeNodeRequest(handler, req, options);
  if (!response) return false;
  writeNodeResponse(req, res, response);
  return true;
}
