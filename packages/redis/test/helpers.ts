import { randomUUID } from 'node:crypto';
import type { User, UserLookup } from '@portcullis/core';
import { startTcpProxy, type TcpProxy } from '@portcullis/testing';
import { Redis, type RedisOptions } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A key prefix of its own per test run, so parallel runs on the shared Redis never meet. */
export function runPrefix(): string {
  return `portcullis-test:${randomUUID()}:`;
}

const clients: Redis[] = [];
const proxies: TcpProxy[] = [];

/** A client on the test Redis; closed by `closeClients`. */
export function client(options: RedisOptions = {}): Redis {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, ...options });
  clients.push(redis);
  return redis;
}

/** Deletes every key under `prefix` and closes the clients and proxies this file opened. */
export async function cleanup(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => undefined)));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
}

/** Users by id, as the strategies look them up. */
export function lookup(users: User[]): UserLookup & { ids: string[] } {
  const ids: string[] = [];
  return {
    ids,
    async findById(id) {
      ids.push(id);
      return users.find((user) => String(user.id) === id) ?? null;
    },
  };
}

export function user(email: string): User {
  return {
    id: randomUUID(),
    email,
    hashed_password: 'x',
    is_active: true,
    is_superuser: false,
    is_verified: false,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP proxy in front of the test Redis, to simulate outages; closed by `cleanup`. */
export async function startProxy(): Promise<TcpProxy & { url: string }> {
  const target = new URL(REDIS_URL);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  proxies.push(proxy);
  return Object.assign(proxy, { url: proxy.urlThrough(REDIS_URL) });
}
