import Router from '@koa/router';
import { portcullis, requireUser } from '@portcullis/koa';
import Koa from 'koa';
import {
  answerError,
  createDemoPages,
  type Demo,
  koaErrorListener,
  NOT_FOUND,
  whoami,
} from 'portcullis-example-shared';

/**
 * The Koa demo: Portcullis' routers, the shared pages (`/openapi.json`, `/docs` and its
 * assets), and one guarded app route showing `ctx.state.user`. It installs no body parser: the
 * Portcullis routes read raw bodies, so malformed JSON gets FastAPI's 422.
 */
export function buildApp(demo: Demo): Koa {
  const app = new Koa();
  // Replaces Koa's default, which prints every client error (a malformed chunked body, a client
  // gone mid-answer) to stderr: client errors are dropped, anything else is one log line.
  app.on('error', koaErrorListener(demo.logger));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { status, body } = answerError(demo.logger, error, ctx);
      ctx.status = status;
      ctx.body = body;
    }
  });
  app.use(portcullis({ portcullis: demo.portcullis, routes: demo.mounts }));
  const pages = createDemoPages(demo);
  const router = new Router();
  for (const path of pages.paths) {
    router.get(path, (ctx, next) => {
      const page = pages.get(ctx.path);
      if (!page) return next();
      if (page.cacheControl) ctx.set('cache-control', page.cacheControl);
      ctx.type = page.contentType;
      ctx.body = page.body;
    });
  }
  router.get('/whoami', requireUser(demo.portcullis, { active: true }), (ctx) => {
    ctx.body = whoami(ctx.state.user);
  });
  app.use(router.routes());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = NOT_FOUND;
  });
  return app;
}
