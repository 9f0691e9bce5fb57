import type { AddressInfo } from 'node:net';
import { hardenServer } from '@portcullis/core/node';
import type { Demo, DemoServer, DemoSettings } from 'portcullis-example-shared';
import { buildApp } from './app';

/** The Fastify demo listening on `settings.host`/`settings.port`, as `pnpm start` runs it. */
export async function listenFastify(
  demo: Demo,
  settings: Pick<DemoSettings, 'host' | 'port'>,
): Promise<DemoServer> {
  const app = await buildApp(demo);
  let closing = false;
  // While shutting down, answers in flight tell keep-alive clients to hang up, so close() does
  // not wait on connections that would otherwise idle open after their last response.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  // Fastify's own default is no deadline at all on a request (requestTimeout 0).
  hardenServer(app.server);
  await app.listen({ port: settings.port, host: settings.host });
  return {
    port: (app.server.address() as AddressInfo).port,
    async close() {
      closing = true;
      // close() stops accepting, lets in-flight requests finish, then closes idle connections.
      await app.close();
    },
    closeConnections: () => app.server.closeAllConnections(),
  };
}
