import Fastify from 'fastify';
import { afterAll } from 'vitest';
import { createTestApp } from '../../core/test/app';
import { defineContractSuite, toRequestInit } from '../../core/test/contract';
import { portcullis } from '../src/index';

const servers: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

defineContractSuite('Fastify plugin', async () => {
  const app = createTestApp();
  const fastify = Fastify();
  await fastify.register(portcullis, { portcullis: app.portcullis, routes: app.mounts });
  // The app owns unknown paths; FastAPI's answer is {"detail":"Not Found"}.
  fastify.setNotFoundHandler((_request, reply) => reply.status(404).send({ detail: 'Not Found' }));
  const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  servers.push(fastify);
  return {
    request: (method, path, init) => fetch(`${base}${path}`, toRequestInit(method, init)),
    async lastToken(kind, email) {
      const mail = app.mail.filter((m) => m.kind === kind && m.email === email).pop();
      if (!mail) throw new Error(`no ${kind} mail for ${email}`);
      return mail.token;
    },
    async createUser(user) {
      const created = await app.portcullis.userManager.create({
        email: user.email,
        password: user.password,
        is_superuser: user.superuser ?? false,
        is_verified: user.verified ?? false,
        is_active: !user.inactive,
      });
      return { id: String(created.id) };
    },
  };
});
