import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * How the proxy treats traffic:
 * - `forward`: passes bytes both ways;
 * - `refuse`: resets every open connection and refuses new ones (a server that is down);
 * - `silent`: accepts connections but passes nothing and answers nothing, holding what it got
 *   (a server that stopped answering, e.g. SIGSTOPped or behind a dead network path).
 */
export type TcpProxyMode = 'forward' | 'refuse' | 'silent';

/** A TCP proxy a test controls, in front of a real server. */
export interface TcpProxy {
  /** The port it listens on (127.0.0.1); it keeps it across modes. */
  readonly port: number;
  readonly mode: TcpProxyMode;
  /** `url` with its host and port replaced by the proxy's, e.g. a database URL to connect through. */
  urlThrough(url: string): string;
  /** Passes traffic again; what `silent` held is delivered, as a resumed server would. */
  forward(): Promise<void>;
  /** Resets every connection (RST) and refuses new ones until `forward()`. */
  refuse(): Promise<void>;
  /** Accepts connections but passes nothing either way until `forward()`. */
  silence(): Promise<void>;
  /**
   * Switches to `mode` right after passing on a client chunk that contains `marker` (compared
   * as latin1 text, case-insensitively), so a test can cut a store call between two of its
   * statements: nothing the server answers from then on reaches the client. With `refuse`, the
   * connections are reset once the server has had a moment to read the chunk. Resolves when the
   * switch happened.
   */
  switchAfter(marker: string, mode: 'refuse' | 'silent'): Promise<void>;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/** A client connection and its way to the server, with what `silent` held back. */
interface Pair {
  client: Socket;
  upstream: Socket | null;
  toServer: Buffer[];
  toClient: Buffer[];
}

/** How long `switchAfter(…, 'refuse')` lets the server read the marked chunk before the reset. */
const READ_GRACE_MS = 50;

/**
 * Starts a proxy to `target` on a free port of 127.0.0.1, in `forward` mode. Outages are
 * simulated here, never by stopping a shared server.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
 * const db = openSqlDatabase(proxy.urlThrough(process.env.TEST_POSTGRES_URL!));
 * await proxy.silence(); // queries now time out
 * await proxy.forward(); // and work again
 * ```
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: TcpProxyMode = 'forward';
  let server: Server | null = null;
  let port = 0;
  let trigger: { marker: string; mode: 'refuse' | 'silent'; fired: () => void } | null = null;

  const drop = (pair: Pair): void => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const toServer = (pair: Pair, chunk: Buffer): void => {
    if (mode !== 'forward' || pair.upstream === null) {
      pair.toServer.push(chunk);
      return;
    }
    const pending = trigger;
    const hit = pending !== null && chunk.toString('latin1').toLowerCase().includes(pending.marker);
    if (!hit) {
      pair.upstream.write(chunk);
      return;
    }
    trigger = null;
    // Hold every answer from now on, then (for refuse) reset once the server has the chunk.
    mode = 'silent';
    pair.upstream.write(chunk, () => {
      if (pending.mode === 'silent') return pending.fired();
      setTimeout(() => void refuse().then(pending.fired), READ_GRACE_MS);
    });
  };

  const toClient = (pair: Pair, chunk: Buffer): void => {
    if (mode === 'forward') pair.client.write(chunk);
    else pair.toClient.push(chunk);
  };

  const open = (pair: Pair): void => {
    const upstream = connect(target);
    pair.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => toClient(pair, chunk));
    upstream.on('error', () => drop(pair));
    upstream.on('close', () => drop(pair));
    for (const chunk of pair.toServer.splice(0)) upstream.write(chunk);
  };

  const onConnection = (client: Socket): void => {
    const pair: Pair = { client, upstream: null, toServer: [], toClient: [] };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => toServer(pair, chunk));
    client.on('error', () => drop(pair));
    client.on('close', () => drop(pair));
    if (mode === 'forward') open(pair);
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

  const stopListening = async (): Promise<void> => {
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  const refuse = async (): Promise<void> => {
    mode = 'refuse';
    const closing = stopListening();
    for (const pair of [...pairs]) {
      pairs.delete(pair);
      // RST rather than FIN: a server that went away, not one that said goodbye.
      pair.client.resetAndDestroy();
      pair.upstream?.destroy();
    }
    await closing;
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    urlThrough(url: string): string {
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(port);
      return through.toString();
    },
    async forward() {
      mode = 'forward';
      trigger = null;
      if (server === null) await listen();
      for (const pair of pairs) {
        if (pair.upstream === null) open(pair);
        else for (const chunk of pair.toServer.splice(0)) pair.upstream.write(chunk);
        for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
      }
    },
    refuse,
    async silence() {
      mode = 'silent';
      if (server === null) await listen();
    },
    switchAfter(marker, next) {
      return new Promise<void>((fired) => {
        trigger = { marker: marker.toLowerCase(), mode: next, fired };
      });
    },
    async close() {
      const closing = stopListening();
      for (const pair of [...pairs]) drop(pair);
      await closing;
    },
  };
}
