import { httpAdapterSuite, serveNode } from '@portcullis/testing';
import { resolveUser, toRequest, writeResponse } from '../src/node/index';

const NO_HOST =
  'handler.fetch is the whole app here: there is no host around it to pass requests to';

// The Fetch handler served with node:http through the core bridge: a Node process with no
// framework. Cases about what a framework adapter hands to the app do not apply.
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
    return serveNode(async (req, res) => {
      const guard = guards.get(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (!guard) return writeResponse(req, res, await handler.fetch(toRequest(req)));
      // The app's own guarded route: the header-level guard, no Request built (DESIGN §2).
      const outcome = await resolveUser(guard, req.headers);
      const body = outcome.ok ? app.userBody(outcome.user) : outcome.body;
      res.writeHead(outcome.ok ? 200 : outcome.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  },
});
