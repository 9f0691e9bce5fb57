import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
} from '@portcullis/core';
import { createMemoryUserStore } from '@portcullis/core/adapter';
import { portcullis } from '@portcullis/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const SECRET = 'on-send-test-secret-on-send-test-secret';

/**
 * Core's answer leaves through Fastify's reply. An app's `onSend` hook that waits delays the
 * write: the plugin's hook must still hold the request until it is sent, or Fastify would go on
 * to the route behind it (a 404 handler) and answer twice.
 */
describe('core routes behind an app onSend hook that waits', () => {
  let app: FastifyInstance;
  let url: string;
  let notFound = 0;
  const users = createMemoryUserStore();
  const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 });

  beforeAll(async () => {
    const auth = createPortcullis({
      userManager: {
        users,
        resetPasswordToken: { secret: SECRET },
        verificationToken: { secret: SECRET },
      },
      backends: [
        createAuthBackend({
          name: 'jwt',
          transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
          strategy,
        }),
      ],
    });
    app = Fastify();
    app.addHook('onSend', async (_request, reply, payload) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      reply.header('x-sent-by', 'app');
      return payload;
    });
    app.setNotFoundHandler((_request, reply) => {
      notFound++;
      return reply.status(404).send({ detail: 'Not Found' });
    });
    await app.register(portcullis, {
      portcullis: auth,
      routes: [['/users', auth.usersRouter()]],
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  test('GET /users/me answers once, 200 with a token and 401 without, through the hook', async () => {
    const user = await users.create({
      email: 'gawain@camelot.bt',
      hashed_password: 'not-used',
      is_active: true,
      is_verified: true,
      is_superuser: false,
    });
    const token = await strategy.writeToken(user);
    const me = await fetch(`${url}/users/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-sent-by')).toBe('app');
    // The bytes Fastify has always sent for core's JSON, now given whole by the plugin.
    expect(me.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await me.json()).toMatchObject({ email: 'gawain@camelot.bt' });
    const anonymous = await fetch(`${url}/users/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await anonymous.json()).toEqual({ detail: 'Unauthorized' });
    // The hook's wait outlasts the request: a second answer would have gone to the 404 handler.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(notFound).toBe(0);
  });
});
