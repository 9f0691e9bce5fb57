import { eachHeader } from '@portcullis/core/adapter';
import { routeNodeRequest } from '@portcullis/core/node';
import { portcullis, requireUser } from '@portcullis/fastify';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  answerError,
  createDemoPages,
  type Demo,
  NOT_FOUND,
  whoami,
} from 'portcullis-example-shared';

/**
 * The Fastify demo: Portcullis' routers, the shared pages (`/openapi.json`, `/docs` and its
 * assets), and one guarded app route showing `request.user`.
 */
export async function buildApp(demo: Demo): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    forceCloseConnections: 'idle',
    // `/whoami/` is `/whoami`, as Express's and @koa/router's non-strict routing have it.
    routerOptions: { ignoreTrailingSlash: true },
    // Fastify's router refuses a path that is not valid percent-encoding with its own 400
    // before any plugin runs; the other demos hand such a path to Portcullis or answer 404.
    frameworkErrors: (error, request, reply) =>
      answerFrameworkError(demo, error, request as FastifyRequest, reply as FastifyReply),
  });
  // Before the routes: Fastify gives a route the error handler set before it was registered.
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = answerError(demo.logger, error, request.raw);
    return reply.status(status).send(body);
  });
  await app.register(portcullis, { portcullis: demo.portcullis, routes: demo.mounts });
  const pages = createDemoPages(demo);
  for (const path of pages.paths) {
    app.get(path, async (request, reply) => {
      const page = pages.get(new URL(request.url, 'http://localhost').pathname);
      if (!page) return reply.callNotFound();
      if (page.cacheControl) reply.header('cache-control', page.cacheControl);
      return reply.type(page.contentType).send(page.body);
    });
  }
  app.get(
    '/whoami',
    { preHandler: requireUser(demo.portcullis, { active: true }) },
    async (request) => whoami(request.user),
  );
  app.setNotFoundHandler((_request, reply) => reply.status(404).send(NOT_FOUND));
  // A path nobody owns is answered before Fastify looks at the body: its content-type check
  // (415) and JSON parser (400) would otherwise answer first, where Express and Koa say 404.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return reply.status(404).send(NOT_FOUND);
  });
  return app;
}

/**
 * Errors Fastify raises before any route or plugin runs. A path that is not valid
 * percent-encoding goes to Portcullis as on Express and Koa (401 or 404 for `/users/%E0%A4%A`),
 * else to the app's 404; the rest are answered as the error handler answers.
 */
function answerFrameworkError(
  demo: Demo,
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const fail = (cause: unknown): void => {
    const { status, body } = answerError(demo.logger, cause, request.raw);
    reply.status(status).send(body);
  };
  if (error.code !== 'FST_ERR_BAD_URL') {
    fail(error);
    return;
  }
  routeNodeRequest(demo.handler, request.raw, { origin: `http://${request.host}` }).then(
    (response) => {
      if (!response) {
        reply.status(404).send(NOT_FOUND);
        return;
      }
      eachHeader(response, (name, value) => reply.header(name, value));
      reply.status(response.status).send(response.body);
    },
    fail,
  );
}
