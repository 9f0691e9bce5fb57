import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readJsonBody } from '../http/body';
import { createHandler } from '../http/handler';
import { json } from '../http/response';
import type { Route } from '../http/route';
import { handleNodeRequest, type NodeRouteOptions, routeNodeRequest } from './route-request';

const route = (method: Route['method'], path: string, handle: Route['handle']): Route => ({
  method,
  path,
  name: `test:${path}`,
  doc: { responses: [] },
  handle,
});

const handler = createHandler([
  [
    '/things',
    {
      routes: [
        route('GET', '/{id}', async ({ request, params }) =>
          json({ id: params.id, url: request.url }),
        ),
        route('POST', '/echo', async ({ request }) => {
          const body = await readJsonBody(request, { bodyLimit: 64, bodyTimeoutMs: 30_000 });
          return json(body === undefined ? 'no body' : body);
        }),
        route('POST', '/boom', async () => {
          throw new Error('a hook failed');
        }),
      ],
    },
  ],
]);

/** Reads the whole body as a host body parser would, then leaves it on the side. */
async function hostParse(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === '' ? {} : JSON.parse(text);
}

let base = '';
let lastError: unknown;
const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const options: NodeRouteOptions = {};
  if (url.searchParams.has('parsed')) options.hostBody = await hostParse(req);
  if (url.pathname.startsWith('/mount/')) {
    options.pathname = url.pathname.slice('/mount'.length);
    options.url = req.url;
  }
  try {
    if (await handleNodeRequest(handler, req, res, options)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('the app');
  } catch (error) {
    lastError = error;
    res.writeHead(500).end('the app error handler');
  }
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('handleNodeRequest', () => {
  test('answers a route and hands the path parameters to it', async () => {
    const response = await fetch(`${base}/things/42?x=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: '42', url: `${base}/things/42?x=1` });
  });

  test('leaves paths it does not own to the app', async () => {
    const response = await fetch(`${base}/elsewhere`);
    expect(await response.text()).toBe('the app');
  });

  test('answers 405 with Allow for a known path and another method', async () => {
    const response = await fetch(`${base}/things/echo`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  test('answers HEAD where GET is answered, with no body', async () => {
    const response = await fetch(`${base}/things/7`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('');
  });

  test('leaves methods outside the answered list (PROPFIND) to the app', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(`${base}/things/echo`, { method: 'PROPFIND' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });

  test('streams a raw body to core, and refuses one over the limit with 413', async () => {
    expect(await (await post('/things/echo', '{"a":1}')).json()).toEqual({ a: 1 });
    const large = await post('/things/echo', JSON.stringify({ a: 'x'.repeat(100) }));
    expect(large.status).toBe(413);
  });

  test('reuses a body the host parsed instead of reading the stream again', async () => {
    const response = await post('/things/echo?parsed=1', '{"parsed":true}');
    expect(await response.json()).toEqual({ parsed: true });
  });

  test('treats an empty body a host parser turned into {} as no body', async () => {
    const response = await post('/things/echo?parsed=1', '');
    expect(await response.json()).toBe('no body');
  });

  test('matches below a mount path and shows the route the original URL', async () => {
    const response = await fetch(`${base}/mount/things/9`);
    expect(await response.json()).toEqual({ id: '9', url: `${base}/mount/things/9` });
  });

  test('rejects with an unexpected error, for the app error handler', async () => {
    const response = await post('/things/boom', '{}');
    expect(await response.text()).toBe('the app error handler');
    expect((lastError as Error).message).toBe('a hook failed');
  });
});

describe('routeNodeRequest without a server', () => {
  const req = (url: string) =>
    ({ method: 'GET', url, headers: {}, socket: {} }) as unknown as IncomingMessage;

  test("a matched route's answer is the handler's own promise: no async function around it", () => {
    const answer = Promise.resolve(json('from run'));
    expect(routeNodeRequest({ ...handler, run: () => answer }, req('/things/7'))).toBe(answer);
  });

  test('a handler that throws gives a rejection, as an async function would', async () => {
    const broken = {
      ...handler,
      match: () => {
        throw new Error('broken table');
      },
    };
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = routeNodeRequest(broken, req('/things/7'));
    }).not.toThrow();
    await expect(pending).rejects.toThrow('broken table');
    expect(await routeNodeRequest(handler, req('/elsewhere'))).toBeNull();
  });
});
