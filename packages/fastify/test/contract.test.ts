import { portcullis, requireUser } from '@portcullis/fastify';
import { httpAdapterSuite } from '@portcullis/testing';
import Fastify from 'fastify';

httpAdapterSuite({
  name: 'Fastify 5',
  skip: {
    'HTTP-HOSTILE-008':
      "Fastify's router answers a path that is not valid percent-encoding with its own 400 " +
      '(FST_ERR_BAD_URL) before any plugin runs; only the app can change that, with the ' +
      '`frameworkErrors` option (the demo does: docs/reliability-http.md)',
  },
  async start(app) {
    // Fastify always parses JSON itself (`parseBodies` changes nothing): the plugin's own
    // context still hands the raw body to core.
    const server = Fastify();
    // Fastify gives a route the error handler set before it was registered.
    server.setErrorHandler((error, _request, reply) => {
      const { status, body } = app.errorResponse(error);
      return reply.status(status).send(body);
    });
    await server.register(
      async (scope) => {
        await scope.register(portcullis, { portcullis: app.portcullis, routes: app.routes });
      },
      { prefix: app.mountPath },
    );
    for (const route of app.guardedRoutes) {
      server.get(
        route.path,
        { preHandler: requireUser(app.portcullis, route.options) },
        async (request) => app.userBody(request.user),
      );
    }
    server.get(app.passThroughPath, async () => app.passThroughBody);
    server.setNotFoundHandler((_request, reply) => reply.status(404).send(app.notFoundBody));
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => server.close() };
  },
});
