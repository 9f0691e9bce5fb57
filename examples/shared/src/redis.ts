import { redisClientOptions } from '@portcullis/redis';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { SettingsError } from './settings';

/** The URL with its password shown as `***`. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * The nodes and credentials of the cluster form, `redis+cluster://[user:pass@]h1:p1,h2:p2`
 * (`rediss+cluster://` for TLS): any of the cluster's nodes, the client discovers the rest.
 */
function parseClusterUrl(url: string): {
  nodes: { host: string; port: number }[];
  options: RedisOptions;
} {
  const match = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/i.exec(url);
  if (!match)
    throw new SettingsError('REDIS_URL: the cluster form is redis+cluster://host:port,host:port');
  const [, scheme, auth, hosts] = match as unknown as [string, string, string | undefined, string];
  const nodes = hosts.split(',').map((entry) => {
    const node = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(entry.trim());
    if (!node) throw new SettingsError(`REDIS_URL: "${entry}" is not host:port`);
    return { host: node[1] as string, port: Number(node[2]) };
  });
  const options: RedisOptions = { ...redisClientOptions() };
  if (auth) {
    const colon = auth.indexOf(':');
    const user = decodeURIComponent(colon === -1 ? '' : auth.slice(0, colon));
    options.password = decodeURIComponent(colon === -1 ? auth : auth.slice(colon + 1));
    if (user) options.username = user;
  }
  if (scheme.toLowerCase() === 'rediss') options.tls = {};
  return { nodes, options };
}

/**
 * `REDIS_URL`: the connection the cookie backend's Redis strategy and the limiter use (see
 * docs/demo.md#environment). `redis://` or `rediss://` is one server; `redis+cluster://h1:p1,h2:p2,…` a Redis
 * Cluster (ioredis `Cluster`: the strategy then uses its cluster key layout). Connects before
 * the demo listens, so a wrong URL stops it with a message instead of failing requests.
 * While Redis is down, requests answer 503 within 5 s (at once while the client reconnects),
 * and the client is back within about a second of Redis (`redisClientOptions`,
 * docs/reliability.md).
 */
export async function openRedis(
  url: string,
  warn: (message: string) => void,
): Promise<{ redis: Redis | Cluster; close(): Promise<void> }> {
  const clustered = /^rediss?\+cluster:\/\//i.test(url);
  if (!clustered && !/^rediss?:\/\//i.test(url)) {
    throw new SettingsError(
      'REDIS_URL must look like redis://host:6379, rediss://host:6380 or redis+cluster://host:7000,host:7001',
    );
  }
  let redis: Redis | Cluster;
  if (clustered) {
    const { nodes, options } = parseClusterUrl(url);
    redis = new Cluster(nodes, { lazyConnect: true, redisOptions: options });
  } else {
    redis = new Redis(url, { ...redisClientOptions(), lazyConnect: true });
  }
  let connected = false;
  let lastError: Error | undefined;
  let warned = false;
  // Before the first connection the error becomes the start-up message; afterwards one warning
  // per outage (ioredis reconnects on its own).
  redis.on('error', (error: Error) => {
    lastError = error;
    if (connected && !warned) warn(`Redis connection error (${redact(url)}): ${error.message}`);
    warned = connected;
  });
  redis.on('ready', () => {
    connected = true;
    warned = false;
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = (lastError ?? (error as Error)).message;
    throw new SettingsError(`REDIS_URL: cannot connect to ${redact(url)}: ${reason}`);
  }
  return {
    redis,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
