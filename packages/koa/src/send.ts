import { eachHeader, type PortcullisResponse } from '@portcullis/core/adapter';
import { releaseUnreadBody } from '@portcullis/core/node';
import type { Context } from 'koa';

/** Puts core's answer on the Koa context; cookies earlier middleware set are kept. */
export function sendResponse(ctx: Context, response: PortcullisResponse): void {
  releaseUnreadBody(ctx.req);
  ctx.status = response.status;
  // `append` keeps cookies earlier middleware set; `set` replaces whatever else was there.
  eachHeader(response, (name, value) =>
    name === 'set-cookie' ? ctx.append(name, value) : ctx.set(name, value),
  );
  ctx.body = response.body;
}
