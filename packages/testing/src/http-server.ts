import { Buffer } from 'node:buffer';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hardenServer } from '@portcullis/core/node';
import type { HttpSuiteServer } from './http-app';

/**
 * Serves a Node request listener (an Express app, Koa's `app.callback()`, a bare handler) on
 * 127.0.0.1, port 0, for an adapter's `start`, behind `hardenServer` as the adapters' docs
 * recommend (a body the app's own parser gave up on is drained, so keep-alive connections the
 * suite reuses keep working).
 *
 * @example
 * ```ts
 * httpAdapterSuite({ name: 'Express', start: async (app) => serveNode(buildExpressApp(app)) });
 * ```
 */
export async function serveNode(listener: RequestListener): Promise<HttpSuiteServer> {
  const server = hardenServer(createServer(listener));
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

/**
 * A Fetch-API handler: what `portcullis.handler(mounts).fetch` is, and what Hono apps expose.
 * The second argument is the connection's peer, as Bun and Deno hand it to theirs.
 */
export type FetchListener = (
  request: Request,
  connection: { remoteAddress: string | null },
) => Response | Promise<Response>;

/**
 * Serves a Fetch-API handler on 127.0.0.1, port 0, through node:http: each Node request becomes
 * a WHATWG `Request` (body buffered) and each `Response` is written back, every `Set-Cookie` as
 * a header of its own.
 *
 * @example
 * ```ts
 * httpContractSuite({ name: 'Fetch handler', target: async () => ({ ...await serveFetch(handler.fetch), ... }) });
 * ```
 */
export function serveFetch(listener: FetchListener): Promise<HttpSuiteServer> {
  return serveNode(async (req, res) => {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    }
    const method = req.method ?? 'GET';
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (method !== 'GET' && method !== 'HEAD') {
      // Buffered first: the suite's bodies are small, and a body the handler never reads must
      // not hold up the next request on a keep-alive connection.
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      init.body = Buffer.concat(chunks);
    }
    const response = await listener(new Request(`http://${req.headers.host}${req.url}`, init), {
      remoteAddress: req.socket.remoteAddress ?? null,
    });
    res.statusCode = response.status;
    for (const [name, value] of response.headers) {
      if (name !== 'set-cookie') res.setHeader(name, value);
    }
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    res.end(Buffer.from(await response.arrayBuffer()));
  });
}
