import type { Mounts, Portcullis, PortcullisHandler, User } from '@portcullis/core';
import { ANSWERED_METHODS, nodeRequest, routeNodeRequest } from '@portcullis/core/node';
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import { sendResponse } from './send';

export interface PortcullisPluginOptions<U extends User = User> {
  portcullis: Portcullis<U>;
  /** Routers and their prefixes, e.g. `[['/auth/jwt', portcullis.authRouter('jwt')]]`. */
  routes: Mounts;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The user a Portcullis guard resolved, or null. */
    user: User | null;
  }
}

/** Fastify's path syntax for core's `{param}` templates. */
function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Core's routes in their own encapsulated context: its content-type parser hands the raw body
 * stream to core untouched, so malformed bodies get FastAPI's 422 (not Fastify's 400) and the
 * size limit is core's (DESIGN §2). Nothing leaks into the app's own routes.
 */
async function mountRoutes(scope: FastifyInstance, handler: PortcullisHandler): Promise<void> {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of handler.routes) {
    const methods = methodsByPath.get(route.fullPath) ?? new Set<string>();
    methods.add(route.method);
    methodsByPath.set(route.fullPath, methods);
    scope.route({
      method: route.method,
      url: fastifyPath(route.fullPath),
      // HEAD wherever GET, as Starlette does; Fastify drops the body.
      exposeHeadRoute: route.method === 'GET',
      async handler(request, reply) {
        const params = request.params as Record<string, string>;
        const portable = nodeRequest(request.raw, { origin: origin(request) });
        return sendResponse(reply, await handler.run({ route, params }, portable));
      },
    });
  }
  // FastAPI answers 405 for a known path with another method; Fastify would say 404.
  for (const [path, methods] of methodsByPath) {
    // HEAD already answers where GET does (exposeHeadRoute); Fastify refuses it twice.
    const taken = methods.has('GET') ? new Set([...methods, 'HEAD']) : methods;
    const others = ANSWERED_METHODS.filter((method) => !taken.has(method)) as HTTPMethods[];
    scope.route({
      method: others,
      url: fastifyPath(path),
      exposeHeadRoute: false,
      async handler(request, reply) {
        // Core routes the path below the plugin's prefix: DELETE /users/me is /users/{id}.
        const url = new URL(request.url, 'http://localhost');
        const response = await routeNodeRequest(handler, request.raw, {
          pathname: url.pathname.slice(scope.prefix.length),
          origin: origin(request),
        });
        return response ? sendResponse(reply, response) : reply.callNotFound();
      },
    });
  }
}

async function portcullisPlugin(
  fastify: FastifyInstance,
  options: PortcullisPluginOptions<User>,
): Promise<void> {
  if (!fastify.hasRequestDecorator('user')) fastify.decorateRequest('user', null);
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
