import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PortcullisHandler } from '../http/handler';
import type { PortcullisResponse } from '../http/response';
import { hostBodyOptions, nodeRequest, writeNodeResponse } from './bridge';

/**
 * The methods Portcullis answers on a path it owns: the route's own, HEAD wherever GET is (as
 * Starlette does), 405 with `Allow` for the rest of these (see docs/contract/routes.md#framework-rules). Rarer methods (TRACE,
 * WebDAV's) go to the app: Fastify, which the adapters must match, only routes a fixed list.
 */
export const ANSWERED_METHODS: readonly string[] = Object.freeze([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

const ANSWERED = new Set(ANSWERED_METHODS);

export interface NodeRouteOptions {
  /**
   * The path to match, relative to where the adapter is mounted (Express's `req.path`);
   * default: the path of `req.url`.
   */
  pathname?: string;
  /** What the app's body parser left (Express `req.body`, Koa `ctx.request.body`), if any. */
  hostBody?: unknown;
  /** Origin the route sees; default `http://<Host header>`. */
  origin?: string;
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
export async function routeNodeRequest(
  handler: PortcullisHandler,
  req: IncomingMessage,
  options: NodeRouteOptions = {},
): Promise<PortcullisResponse | null> {
  const method = (req.method ?? 'GET').toUpperCase();
  const pathname = options.pathname ?? pathOf(req.url);
  const found = handler.match(method, pathname);
  if (!found && (!ANSWERED.has(method) || handler.allowedMethods(pathname).length === 0)) {
    return null;
  }
  const request = nodeRequest(req, {
    origin: options.origin,
    url: options.url,
    remoteAddress: options.remoteAddress,
    ...hostBodyOptions(req, options.hostBody),
  });
  return found ? handler.run(found, request) : handler.respond(request, pathname);
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
