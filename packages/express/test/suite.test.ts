import { portcullis, requireUser } from '@portcullis/express';
import { httpAdapterSuite, serveNode } from '@portcullis/testing';
import express, { type NextFunction, type Request, type Response } from 'express';

httpAdapterSuite({
  name: 'Express 5',
  async start(app) {
    const server = express();
    if (app.parseBodies) server.use(express.json(), express.urlencoded());
    const router = portcullis({ portcullis: app.portcullis, routes: app.routes });
    if (app.mountPath) server.use(app.mountPath, router);
    else server.use(router);
    for (const route of app.guardedRoutes) {
      server.get(route.path, requireUser(app.portcullis, route.options), (req, res) => {
        res.json(app.userBody(req.user));
      });
    }
    server.get(app.passThroughPath, (_req, res) => {
      res.json(app.passThroughBody);
    });
    server.use((_req, res) => {
      res.status(404).json(app.notFoundBody);
    });
    server.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const { status, body } = app.errorResponse(error);
      res.status(status).json(body);
    });
    return serveNode(server);
  },
});
