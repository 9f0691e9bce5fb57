import { portcullis, requireUser } from '@portcullis/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createDemoPages,
  type Demo,
  errorAnswer,
  NOT_FOUND,
  whoami,
} from 'portcullis-example-shared';

/**
 * The Fastify demo: Portcullis' routers, the shared pages (`/openapi.json`, `/docs` and its
 * assets), and one guarded app route showing `request.user`.
 */
export async function buildApp(demo: Demo): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: 'idle' });
  // Before the routes: Fastify gives a route the error handler set before it was registered.
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = errorAnswer(error);
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
  return app;
}
