import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpSuiteServer } from './http-app';

/**
 * Serves a Node request listener (an Express app, Koa's `app.callback()`, a bare handler) on
 * 127.0.0.1, port 0, for an adapter's `start`.
 *
 * @example
 * ```ts
 * httpAdapterSuite({ name: 'Express', start: async (app) => serveNode(buildExpressApp(app)) });
 * ```
 */
export async function serveNode(listener: RequestListener): Promise<HttpSuiteServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The suite's client keeps connections alive; nothing is in flight once a suite ends.
        server.closeAllConnections();
      }),
  };
}
