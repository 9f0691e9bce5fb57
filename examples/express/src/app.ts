import type { RequestListener } from 'node:http';
import { portcullis, requireUser } from '@portcullis/express';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  answerError,
  createDemoPages,
  type Demo,
  NOT_FOUND,
  whoami,
} from 'portcullis-example-shared';

/**
 * The Express demo: Portcullis' routers, the shared pages (`/openapi.json`, `/docs` and its
 * assets), and one guarded app route showing `req.user`. It installs no body parser: the
 * Portcullis routes read raw bodies, so malformed JSON gets FastAPI's 422.
 */
export function buildApp(demo: Demo): Express {
  const app = express();
  app.disable('x-powered-by');
  // The same answers as the other demos: no ETag on the app's own routes.
  app.set('etag', false);
  app.use(portcullis({ portcullis: demo.portcullis, routes: demo.mounts }));
  const pages = createDemoPages(demo);
  app.get([...pages.paths], (req, res, next) => {
    const page = pages.get(req.path);
    if (!page) return next();
    if (page.cacheControl) res.set('cache-control', page.cacheControl);
    res.type(page.contentType).send(page.body);
  });
  app.get('/whoami', requireUser(demo.portcullis, { active: true }), (req, res) => {
    res.json(whoami(req.user));
  });
  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND);
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = answerError(demo.logger, error, {
      method: req.method,
      url: req.originalUrl,
    });
    res.status(status).json(body);
  });
  return app;
}

/**
 * The app as a Node listener. A request Express's router cannot route at all (a target with
 * no path, such as `GET http://`) skips every middleware and would get Express's own HTML
 * page; it gets the demo's JSON 404 instead, as on the other frameworks.
 */
export function listener(app: Express, demo: Demo): RequestListener {
  return (req, res) => {
    app(req as Request, res as Response, (error?: unknown) => {
      if (res.headersSent) return void res.end();
      const { status, body } = error
        ? answerError(demo.logger, error, { method: req.method, url: req.url })
        : { status: 404, body: NOT_FOUND };
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(body));
    });
  };
}
