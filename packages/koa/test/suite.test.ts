import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { portcullis, requireUser } from '@portcullis/koa';
import { httpAdapterSuite, serveNode } from '@portcullis/testing';
import Koa from 'koa';

httpAdapterSuite({
  name: 'Koa 3',
  async start(app) {
    const server = new Koa();
    // The app's error handler: the outermost middleware.
    server.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        const { status, body } = app.errorResponse(error);
        ctx.status = status;
        ctx.body = body;
      }
    });
    if (app.parseBodies) server.use(bodyParser());
    server.use(
      portcullis({ portcullis: app.portcullis, routes: app.routes, prefix: app.mountPath }),
    );
    const router = new Router();
    for (const route of app.guardedRoutes) {
      router.get(route.path, requireUser(app.portcullis, route.options), (ctx) => {
        ctx.body = app.userBody(ctx.state.user);
      });
    }
    router.get(app.passThroughPath, (ctx) => {
      ctx.body = app.passThroughBody;
    });
    server.use(router.routes());
    server.use((ctx) => {
      ctx.status = 404;
      ctx.body = app.notFoundBody;
    });
    return serveNode(server.callback());
  },
});
