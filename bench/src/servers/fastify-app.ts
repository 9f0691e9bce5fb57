import { portcullis, requireUser } from '@portcullis/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Check } from './checks';
import type { PortcullisStack } from './portcullis-stack';
import { publicUser } from './stores';

/** `GET /user` guarded by a Portcullis `requireUser` preHandler, plus the scenario's routes. */
export async function fastifyPortcullis(stack: PortcullisStack): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  if (stack.mounts.length > 0) {
    await app.register(portcullis, { portcullis: stack.portcullis, routes: stack.mounts });
  }
  app.get('/user', { preHandler: requireUser(stack.portcullis, { active: true }) }, (request) =>
    request.user ? publicUser(request.user) : null,
  );
  return app;
}

/** `GET /user` answered by a check (bare, jose, better-auth). */
export async function fastifyCheck(check: Check): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/user', async (request, reply) => {
    const user = await check(request.headers);
    if (!user) return reply.status(401).send({ detail: 'Unauthorized' });
    return user;
  });
  return app;
}
