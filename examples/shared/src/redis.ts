import { redisClientOptions } from '@portcullis/redis';
import { Redis } from 'ioredis';
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
 * `REDIS_URL`: the connection the cookie backend's Redis strategy uses. Connects before the
 * demo listens, so a wrong URL stops it with a message instead of failing requests. While Redis
 * is down, requests answer 503 within 5 s (at once while the client reconnects), and the client
 * is back within about a second of Redis (`redisClientOptions`, docs/reliability.md).
 */
export async function openRedis(
  url: string,
  warn: (message: string) => void,
): Promise<{ redis: Redis; close(): Promise<void> }> {
  if (!/^rediss?:\/\//i.test(url)) {
    throw new SettingsError('REDIS_URL must look like redis://host:6379 or rediss://host:6380');
  }
  const redis = new Redis(url, { ...redisClientOptions(), lazyConnect: true });
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
