import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hardenServer } from '@portcullis/core/node';
import type { DemoServer } from './run-server';
import type { DemoSettings } from './settings';

/**
 * Serves a Node request listener (an Express app, Koa's `app.callback()`) for the demo, behind
 * `hardenServer` (a deadline on every request, JSON answers to what Node's parser refuses, 405
 * for CONNECT, answers to half-closed clients). On close, answers still in flight carry
 * `Connection: close`, so a keep-alive client hangs up after its last answer instead of holding
 * the server open.
 */
export async function listenNode(
  listener: RequestListener,
  settings: Pick<DemoSettings, 'host' | 'port'>,
): Promise<DemoServer> {
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (closing) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    listener(req, res);
  });
  hardenServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    closeConnections: () => server.closeAllConnections(),
  };
}
