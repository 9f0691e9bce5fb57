import type { AddressInfo } from 'node:net';
import { runServer } from 'portcullis-example-shared';
import { buildApp } from './app';

runServer('fastify', async (demo, settings) => {
  const app = await buildApp(demo);
  let closing = false;
  // While shutting down, answers in flight tell keep-alive clients to hang up, so close() does
  // not wait on connections that would otherwise idle open after their last response.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  await app.listen({ port: settings.port, host: settings.host });
  return {
    port: (app.server.address() as AddressInfo).port,
    async close() {
      closing = true;
      // close() stops accepting, lets in-flight requests finish, then closes idle connections.
      await app.close();
    },
  };
});
