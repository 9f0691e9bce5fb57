import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchLike } from '@portcullis/oauth';

/** A request the fake provider received, with the host the client meant to reach. */
export interface FakeRequest {
  method: string;
  /** e.g. `github.com`: the host of the URL the client called. */
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  form: URLSearchParams;
}

export interface FakeReply {
  status?: number;
  json?: unknown;
  headers?: Record<string, string>;
}

/** Routes keyed `METHOD host/path`, e.g. `POST github.com/login/oauth/access_token`. */
export type FakeRoutes = Record<string, (request: FakeRequest) => FakeReply>;

export interface FakeProvider {
  /** A fetch that sends the client's https:// calls to this local server instead. */
  fetch: FetchLike;
  requests: FakeRequest[];
  /** The last request to `METHOD host/path`. */
  last(route: string): FakeRequest;
  close(): Promise<void>;
}

/**
 * A local HTTP server answering with a provider's documented responses. There is no network
 * to the real providers here: the client's own fetch is pointed at this server, so the preset
 * still builds the real URLs and the test asserts them.
 */
export async function startFakeProvider(routes: FakeRoutes): Promise<FakeProvider> {
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const host = String(req.headers['x-fake-host'] ?? '');
      const body = Buffer.concat(chunks).toString();
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(', ') : (v ?? ''),
        ]),
      );
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        host,
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
        form: new URLSearchParams(body),
      };
      requests.push(request);
      const route = routes[`${request.method} ${host}${url.pathname}`];
      const reply: FakeReply = route
        ? route(request)
        : { status: 404, json: { message: 'Not Found' } };
      const status = reply.status ?? 200;
      if (reply.json === undefined) {
        res.writeHead(status, reply.headers).end();
        return;
      }
      res
        .writeHead(status, { 'content-type': 'application/json', ...reply.headers })
        .end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    fetch(url, init) {
      const target = new URL(url);
      const headers = new Headers(init.headers);
      headers.set('x-fake-host', target.host);
      return fetch(`http://127.0.0.1:${port}${target.pathname}${target.search}`, {
        ...init,
        headers,
      });
    },
    last(route) {
      const found = requests.filter((r) => `${r.method} ${r.host}${r.path}` === route).at(-1);
      if (!found) throw new Error(`no request to ${route}`);
      return found;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The `Basic` credentials of a request, decoded (RFC 6749 §2.3.1 form-encodes each part). */
export function basicCredentials(request: FakeRequest): [string, string] | null {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString();
  const colon = decoded.indexOf(':');
  return [
    decodeURIComponent(decoded.slice(0, colon)),
    decodeURIComponent(decoded.slice(colon + 1)),
  ];
}
