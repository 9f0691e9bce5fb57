import Router from '@koa/router';
import { portcullis, requireUser } from '@portcullis/koa';
import Koa from 'koa';
import type { Check } from './checks';
import type { PortcullisStack } from './portcullis-stack';
import { publicUser } from './stores';

/** `GET /user` guarded by Portcullis' `requireUser()` middleware, plus the scenario's routes. */
export function koaPortcullis(stack: PortcullisStack): Koa {
  const app = new Koa();
  if (stack.mounts.length > 0) {
    app.use(portcullis({ portcullis: stack.portcullis, routes: stack.mounts }));
  }
  const router = new Router();
  router.get('/user', requireUser(stack.portcullis, { active: true }), (ctx) => {
    ctx.body = ctx.state.user ? publicUser(ctx.state.user) : null;
  });
  app.use(router.routes());
  return app;
}

/** `GET /user` answered by a check (bare, jose, better-auth). */
export function koaCheck(check: Check): Koa {
  const app = new Koa();
  const router = new Router();
  router.get('/user', async (ctx) => {
    const user = await check(ctx.headers);
    if (!user) {
      ctx.status = 401;
      ctx.body = { detail: 'Unauthorized' };
    } else ctx.body = user;
  });
  app.use(router.routes());
  return app;
}
