import Fastify from 'fastify';
import { afterAll } from 'vitest';
import { createTestApp } from '../../core/test/app';
import { defineContractSuite } from '../../core/test/contract';
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
    request(method, path, init = {}) {
      const headers = new Headers(init.headers);
      let body: string | Uint8Array | undefined = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      } else if (init.form) {
        body = new URLSearchParams(init.form).toString();
        headers.set('content-type', 'application/x-www-form-urlencoded');
      }
      return fetch(`${base}${path}`, { method, headers, body });
    },
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
