import { httpAdapterSuite, serveFetch } from '@portcullis/testing';
import { guardRequest } from '../src/index';

const NO_HOST =
  'handler.fetch is the whole app here: there is no host around it to pass requests to';

// The Fetch handler as any Fetch host would serve it (WHATWG Request in, Response out), here on
// node:http. Cases about what a framework adapter hands to the app do not apply.
httpAdapterSuite({
  name: 'Fetch handler on node:http',
  skip: {
    'HTTP-ROUTE-003': `${NO_HOST}; it answers every path itself`,
    'HTTP-ERROR-001': `${NO_HOST}; it answers an unexpected error with its own 500`,
    'HTTP-BODY-001': 'node:http has no body parsers: every body reaches core raw',
    'HTTP-BODY-002': 'node:http has no body parsers: every body reaches core raw',
    'HTTP-BODY-003': 'node:http has no body parsers: every body reaches core raw',
    'HTTP-BODY-004': 'node:http has no body parsers: every body reaches core raw',
    'HTTP-BODY-005': 'node:http has no body parsers: every body reaches core raw',
    'HTTP-BODY-006': 'node:http has no body parsers: every body reaches core raw',
  },
  async start(app) {
    const handler = app.portcullis.handler(
      app.routes.map(([prefix, router]) => [`${app.mountPath}${prefix}`, router] as const),
    );
    const guards = new Map(
      app.guardedRoutes.map((route) => [route.path, app.portcullis.currentUser(route.options)]),
    );
    return serveFetch(async (request, connection) => {
      const guard = guards.get(new URL(request.url).pathname);
      if (!guard) return handler.fetch(request, connection);
      // The app's own guarded route, as a Fetch app guards it.
      const outcome = await guardRequest(guard, request);
      if (!outcome.ok) return outcome.response;
      return Response.json(app.userBody(outcome.user));
    });
  },
});
