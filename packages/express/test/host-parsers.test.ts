import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
  type User,
  type UserStore,
} from '@portcullis/core';
import { portcullis, requireUser } from '@portcullis/express';
import { serveNode } from '@portcullis/testing';
import express, { type Request } from 'express';
import { afterEach, describe, expect, expectTypeOf, test } from 'vitest';

const secret = 'express-adapter-test-secret-0123456789';
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

async function post(app: express.Express, body: string): Promise<Response> {
  const server = await serveNode(app);
  servers.push(server);
  return fetch(`${server.url}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
}

describe('Express apps that parse bodies before Portcullis', () => {
  test("malformed JSON is express.json()'s own 400 under Express's default handler, not a 500", async () => {
    const app = express();
    app.use(express.json());
    app.use(portcullis({ portcullis: auth, routes }));
    const response = await post(app, '{"email": ');
    expect(response.status).toBe(400);
  });

  test('JSON that express.json() refuses in strict mode ("text") is a 400, not a 500', async () => {
    const app = express();
    app.use(express.json());
    app.use(portcullis({ portcullis: auth, routes }));
    expect((await post(app, '"text"')).status).toBe(400);
  });

  test('with no parser before it, malformed JSON gets FastAPI 422 json_invalid', async () => {
    const app = express();
    app.use(portcullis({ portcullis: auth, routes }));
    app.use(express.json());
    const response = await post(app, '{"email": ');
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ detail: [{ type: 'json_invalid' }] });
  });
});

describe('req.user', () => {
  test('is core’s User or undefined on a request no guard typed (see types.test-d.ts)', () => {
    const handler = requireUser(auth, { active: true });
    expect(handler).toBeTypeOf('function');
    expectTypeOf<Request['user']>().toEqualTypeOf<User | undefined>();
  });
});
