import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a test controls, in front of a shared database server: outages are simulated
 * here, never by stopping the server (DESIGN §6).
 */
export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and stops accepting: clients see resets, then refusals. */
  cut(): Promise<void>;
  /** Accepts connections again but never answers: clients see timeouts. */
  blackhole(): Promise<void>;
  /** Forwards to the server again (dropping any connection held by `blackhole`). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

type Mode = 'forward' | 'blackhole';

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let mode: Mode = 'forward';
  let server: Server | null = null;
  let port = 0;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const onConnection = (client: Socket): void => {
    track(client);
    if (mode === 'blackhole') return;
    const upstream = connect(target);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const next = createServer(onConnection);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        const address = next.address();
        if (address && typeof address === 'object') port = address.port;
        server = next;
        resolve();
      });
    });

  const stop = async (): Promise<void> => {
    const current = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    cut: stop,
    async blackhole() {
      mode = 'blackhole';
      if (server === null) await listen();
    },
    async restore() {
      await stop();
      mode = 'forward';
      await listen();
    },
    close: stop,
  };
}
