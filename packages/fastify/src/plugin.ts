import type { Mounts, Portcullis, PortcullisHandler, User } from '@portcullis/core';
import { ANSWERED_METHODS, routeNodeRequest } from '@portcullis/core/node';
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import './augment';
import { sendResponse } from './send';

export interface PortcullisPluginOptions<U extends User = User> {
  portcullis: Portcullis<U>;
  /** Routers and their prefixes, e.g. `[['/auth/jwt', portcullis.authRouter('jwt')]]`. */
  routes: Mounts;
}

/**
 * The Fastify route that takes a core path: a static path as is; a path with parameters as a
 * wildcard from its first parameter on (`/users/{id}` → `/users/*`). Fastify refuses a
 * parameter longer than its `maxParamLength` (100) with its own 414 before any hook runs; a
 * wildcard has no such limit, so a long id gets core's answer (401 or 404), as on Express.
 */
function fastifyPath(path: string): string {
  const param = path.indexOf('{');
  return param === -1 ? path : `${path.slice(0, param)}*`;
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

const QUERY_OR_FRAGMENT = /[?#]/;
const ABSOLUTE_FORM_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i;

/**
 * The path of a request target below the plugin's prefix, without the query. An absolute-form
 * target (`POST http://host/auth/register`, RFC 9112 §3.2.2) is routed by its path, as Fastify's
 * router and Express do.
 */
function pathBelow(target: string, prefix: string): string {
  // The usual target: origin-form, no query, no fragment.
  if (target.charCodeAt(0) === 47 && !target.includes('?') && !target.includes('#')) {
    return target.slice(prefix.length);
  }
  const end = target.search(QUERY_OR_FRAGMENT);
  const path = end === -1 ? target : target.slice(0, end);
  // An origin-form target (the usual one) starts with `/`: no scheme to strip.
  const origin = path.startsWith('/') ? '' : (ABSOLUTE_FORM_ORIGIN.exec(path)?.[0] ?? '');
  return (path.slice(origin.length) || '/').slice(prefix.length);
}

/**
 * Core's routes in their own encapsulated context, answered from an `onRequest` hook: before
 * Fastify looks at the content type (it would answer a malformed one with its own 415) or
 * reads the body (its 400 for bad JSON, its 413), so every request gets core's answer, as on
 * Express and Koa: FastAPI's 422 for malformed bodies, core's size limit and deadline. The
 * routes exist so Fastify sends these paths here; paths and methods core does not own go to
 * the app's not-found handler. Nothing leaks into the app's own routes.
 */
async function mountRoutes(scope: FastifyInstance, handler: PortcullisHandler): Promise<void> {
  scope.addHook('onRequest', async (request, reply) => {
    // Core routes the path below the plugin's prefix: DELETE /users/me is /users/{id}.
    const response = await routeNodeRequest(handler, request.raw, {
      pathname: pathBelow(request.raw.url ?? '/', scope.prefix),
      // Built only if the route reads its URL (most never do).
      origin: () => origin(request),
    });
    if (!response) return reply.callNotFound();
    sendResponse(reply, response);
    // Returning the reply makes Fastify wait until it is sent (an app's `onSend` hooks may delay
    // it); one already sent needs no such wait, and resolving to the reply costs a turn.
    return reply.sent ? undefined : reply;
  });
  const paths = new Set(handler.routes.map((route) => fastifyPath(route.fullPath)));
  for (const url of paths) {
    scope.route({
      // HEAD wherever GET, and 405 with `Allow` for the other methods: core answers both.
      method: [...ANSWERED_METHODS] as HTTPMethods[],
      url,
      exposeHeadRoute: false,
      handler: (_request, reply) => reply.callNotFound(),
    });
  }
}

async function portcullisPlugin(
  fastify: FastifyInstance,
  options: PortcullisPluginOptions<User>,
): Promise<void> {
  if (!fastify.hasRequestDecorator('user')) fastify.decorateRequest('user', undefined);
  const handler = options.portcullis.handler(options.routes);
  await fastify.register(async (scope) => mountRoutes(scope, handler));
}

/**
 * Mounts Portcullis routers and decorates `request.user`.
 *
 * @example
 * ```ts
 * await app.register(portcullis, {
 *   portcullis: auth,
 *   routes: [
 *     ['/auth/jwt', auth.authRouter('jwt')],
 *     ['/auth', auth.registerRouter()],
 *     ['/users', auth.usersRouter()],
 *   ],
 * });
 * ```
 */
export const portcullis = fp(portcullisPlugin, { name: '@portcullis/fastify', fastify: '5.x' });
