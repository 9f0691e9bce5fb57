import { createServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { hardenServer } from './harden-server';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An answer that takes a moment, as a token check against a store does. */
const slowly: RequestListener = (_req, res) => {
  setTimeout(() => {
    res.setHeader('content-type', 'application/json');
    res.end('{"detail":"Unauthorized"}');
  }, 30);
};

async function serve(listener: RequestListener, harden = true): Promise<number> {
  const server = createServer(listener);
  if (harden) hardenServer(server, { requestTimeoutMs: 500 });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Sends raw bytes and collects everything the server sends until it ends the connection.
 * `halfClose` shuts the client's sending side right after the bytes (a FIN, the socket stays
 * readable). Resolves `null` if the server still holds the connection open after `waitMs`.
 */
function exchange(
  port: number,
  bytes: string,
  { halfClose = false, waitMs = 5000 } = {},
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, waitMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    // The server's FIN ends the answer (the client's own side may still be open).
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', reject);
    socket.write(bytes, 'latin1');
    if (halfClose) socket.end();
  });
}

function statusOf(raw: string | null): number | null {
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(raw ?? '');
  return match ? Number(match[1]) : null;
}

function bodyOf(raw: string | null): unknown {
  const body = (raw ?? '').split('\r\n\r\n').slice(1).join('\r\n\r\n');
  return JSON.parse(body);
}

describe('hardenServer', () => {
  test('answers CONNECT with 405 and a JSON body instead of dropping the connection', async () => {
    const port = await serve(slowly);
    const raw = await exchange(
      port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(405);
    expect(raw).toMatch(/\r\nallow: \r\n/);
    expect(bodyOf(raw)).toEqual({ detail: 'Method Not Allowed' });
  });

  test('leaves CONNECT to the app when it listens for it (a proxy)', async () => {
    const server = createServer(slowly);
    server.on('connect', (_req, socket) => {
      socket.end('HTTP/1.1 200 Connection Established\r\n\r\n');
    });
    hardenServer(server);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const raw = await exchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(raw)).toBe(200);
  });

  test.each([
    { name: 'an unknown method', bytes: 'FOO /x HTTP/1.1\r\nHost: x\r\n\r\n', status: 400 },
    {
      name: 'a NUL in the request line',
      bytes: 'GET /x\0y HTTP/1.1\r\nHost: x\r\n\r\n',
      status: 400,
    },
    {
      name: 'Content-Length with Transfer-Encoding',
      bytes:
        'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      status: 400,
    },
    {
      name: 'two different Content-Lengths',
      bytes: 'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
      status: 400,
    },
    {
      name: 'a broken chunk size',
      bytes: 'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      status: 400,
    },
    {
      name: 'headers over the limit',
      bytes: `GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      status: 431,
    },
  ])('answers $name with $status and a JSON body, then closes', async ({ bytes, status }) => {
    const port = await serve(slowly);
    const raw = await exchange(port, bytes);
    expect(statusOf(raw)).toBe(status);
    expect(raw).toMatch(/\r\nconnection: close\r\n/);
    const detail = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    expect(bodyOf(raw)).toEqual({ detail });
  });

  test('replaces a clientError listener already there, so only one answer is written', async () => {
    const server = createServer(slowly);
    server.on('clientError', (_error, socket) => {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n{"error":"framework"}');
    });
    hardenServer(server);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const raw = await exchange(port, 'FOO / HTTP/1.1\r\n\r\n');
    expect(bodyOf(raw)).toEqual({ detail: 'Bad Request' });
  });

  test('a client that half-closes after its request still gets the answer', async () => {
    const port = await serve(slowly);
    const request = 'GET /users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a.b.c\r\n\r\n';
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => exchange(port, request, { halfClose: true })),
    );
    for (const raw of answers) {
      expect(statusOf(raw)).toBe(200);
      expect(bodyOf(raw)).toEqual({ detail: 'Unauthorized' });
    }
  });

  test('a request whose body never completes gets 408 and its connection closed', async () => {
    // An app route that never reads the body: only the server's deadline ends it.
    const port = await serve(() => undefined);
    const raw = await exchange(
      port,
      'POST /app HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"partial":',
    );
    expect(statusOf(raw)).toBe(408);
    expect(bodyOf(raw)).toEqual({ detail: 'Request Timeout' });
  });

  test('drains a body the app stopped reading, so the connection answers its next request', async () => {
    // What a body parser does past its limit: read a little, pause, answer 413.
    const port = await serve((req, res) => {
      if (req.url === '/next') return res.end('next');
      req.once('data', () => {
        req.pause();
        res.statusCode = 413;
        res.end('too large');
      });
    });
    const chunk = `4000\r\n${'a'.repeat(0x4000)}\r\n`;
    const raw = await exchange(
      port,
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
        chunk.repeat(64) +
        '0\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(raw).toMatch(
      /^HTTP\/1\.1 413 [\s\S]*\r\n\r\ntoo largeHTTP\/1\.1 200 [\s\S]*\r\n\r\nnext$/,
    );
  });

  test('answers a pipelined request before the garbage that follows it, in order', async () => {
    const port = await serve(slowly);
    const raw = await exchange(
      port,
      'GET /users/me HTTP/1.1\r\nHost: x\r\n\r\nFOO /x HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(raw).toMatch(
      /^HTTP\/1\.1 200 [\s\S]*\{"detail":"Unauthorized"\}HTTP\/1\.1 400 [\s\S]*\{"detail":"Bad Request"\}$/,
    );
  });

  test('refuses a deadline that is not a positive number', () => {
    expect(() => hardenServer(createServer(), { requestTimeoutMs: 0 })).toThrow(RangeError);
  });
});
