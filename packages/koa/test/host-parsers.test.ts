import { bodyParser } from '@koa/bodyparser';
import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
  type UserStore,
} from '@portcullis/core';
import { portcullis } from '@portcullis/koa';
import { serveNode } from '@portcullis/testing';
import Koa from 'koa';
import { afterEach, describe, expect, test } from 'vitest';

const secret = 'koa-adapter-test-secret-0123456789';
// Never reached: every request here is refused before the store is asked anything.
const unreachable = async (): Promise<never> => {
  throw new Error('the store was asked');
};
const users: UserStore = {
  get: unreachable,
  getByEmail: unreachable,
  getByOAuthAccount: unreachable,
  create: unreachable,
  update: unreachable,
  delete: unreachable,
  addOAuthAccount: unreachable,
  updateOAuthAccount: unreachable,
  parseId: () => null,
};
const auth = createPortcullis({
  userManager: { users, resetPasswordToken: { secret }, verificationToken: { secret } },
  backends: [
    createAuthBackend({
      name: 'jwt',
      transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
      strategy: createJwtStrategy({ secret, lifetimeSeconds: 60 }),
    }),
  ],
});
const routes = [['/auth', auth.registerRouter()]] as const;

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function post(app: Koa, path: string, body: string): Promise<Response> {
  const server = await serveNode(app.callback());
  servers.push(server);
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
}

describe('Koa apps and body parsers', () => {
  test("malformed JSON is @koa/bodyparser's own 400 under Koa's default handling, not a 500", async () => {
    const app = new Koa();
    app.silent = true;
    app.use(bodyParser());
    app.use(portcullis({ portcullis: auth, routes }));
    expect((await post(app, '/auth/register', '{"email": ')).status).toBe(400);
  });

  test('with no parser before it, malformed JSON gets FastAPI 422 json_invalid', async () => {
    const app = new Koa();
    app.use(portcullis({ portcullis: auth, routes }));
    const response = await post(app, '/auth/register', '{"email": ');
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ detail: [{ type: 'json_invalid' }] });
  });
});

describe('the prefix option', () => {
  test('mounts every router below it and leaves the bare paths to the app', async () => {
    const app = new Koa();
    app.use(portcullis({ portcullis: auth, routes, prefix: 'api/' }));
    app.use((ctx) => {
      ctx.body = { app: true };
    });
    expect((await post(app, '/api/auth/register', '{')).status).toBe(422);
    expect(await (await post(app, '/auth/register', '{')).json()).toEqual({ app: true });
  });
});
