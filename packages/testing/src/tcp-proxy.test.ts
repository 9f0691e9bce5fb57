import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

/** An upper-casing echo server: what it answers proves the bytes went through it. */
let echo: Server;
let echoPort = 0;
beforeAll(async () => {
  echo = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const address = echo.address();
  echoPort = typeof address === 'object' && address ? address.port : 0;
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

/** A client of the proxy that collects what it receives and how it ended. */
async function client(proxy: TcpProxy) {
  const socket: Socket = connect(proxy.port, '127.0.0.1');
  let received = '';
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.on('close', () => resolve('closed'));
  });
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    received: () => received,
    ended,
    /** Resolves once `text` has arrived, or with what arrived after `ms`. */
    async waitFor(text: string, ms = 1000): Promise<string> {
      const deadline = Date.now() + ms;
      while (!received.includes(text) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startTcpProxy', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echoPort });
  });
  afterAll(() => proxy.close());

  test('forwards both ways and rewrites a URL to go through it', async () => {
    const c = await client(proxy);
    c.socket.write('ping');
    expect(await c.waitFor('PING')).toBe('PING');
    expect(proxy.urlThrough('postgres://u:p@db.internal:5432/app?x=1')).toBe(
      `postgres://u:p@127.0.0.1:${proxy.port}/app?x=1`,
    );
    c.socket.destroy();
  });

  test('silent holds traffic on open and new connections, and forward delivers it', async () => {
    const open = await client(proxy);
    await proxy.silence();
    const fresh = await client(proxy);
    open.socket.write('held');
    fresh.socket.write('late');
    await settle(100);
    expect(open.received() + fresh.received()).toBe('');
    await proxy.forward();
    expect(await open.waitFor('HELD')).toBe('HELD');
    expect(await fresh.waitFor('LATE')).toBe('LATE');
    open.socket.destroy();
    fresh.socket.destroy();
  });

  test('refuse resets open connections and refuses new ones, on the same port', async () => {
    const open = await client(proxy);
    const port = proxy.port;
    await proxy.refuse();
    expect(await open.ended).toBe('ECONNRESET');
    await expect(client(proxy)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.forward();
    expect(proxy.port).toBe(port);
    const again = await client(proxy);
    again.socket.write('back');
    expect(await again.waitFor('BACK')).toBe('BACK');
    again.socket.destroy();
  });

  test('switchAfter passes the marked chunk on and holds every answer from then on', async () => {
    const c = await client(proxy);
    const switched = proxy.switchAfter('MARK', 'silent');
    c.socket.write('before');
    expect(await c.waitFor('BEFORE')).toBe('BEFORE');
    c.socket.write('the mark');
    await switched;
    expect(proxy.mode).toBe('silent');
    await settle(100);
    expect(c.received()).toBe('BEFORE');
    await proxy.forward();
    // The server did get the marked chunk: its answer was held, not lost.
    expect(await c.waitFor('THE MARK')).toBe('BEFORETHE MARK');
    c.socket.destroy();
  });

  test('switchAfter with refuse resets the connection after the server read the chunk', async () => {
    const c = await client(proxy);
    const switched = proxy.switchAfter('cut here', 'refuse');
    c.socket.write('cut here');
    await switched;
    expect(proxy.mode).toBe('refuse');
    expect(await c.ended).toBe('ECONNRESET');
    expect(c.received()).toBe('');
    await proxy.forward();
  });
});
