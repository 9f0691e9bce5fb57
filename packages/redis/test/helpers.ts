import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { User, UserLookup } from '@portcullis/core';
import { Redis, type RedisOptions } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A key prefix of its own per test run, so parallel runs on the shared Redis never meet. */
export function runPrefix(): string {
  return `portcullis-test:${randomUUID()}:`;
}

const clients: Redis[] = [];

/** A client on the test Redis; closed by `closeClients`. */
export function client(options: RedisOptions = {}): Redis {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, ...options });
  clients.push(redis);
  return redis;
}

/** Deletes every key under `prefix` and closes the clients this file opened. */
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

/** A TCP proxy to the test Redis that the test can cut, to simulate an outage (DESIGN §6). */
export async function startProxy(): Promise<{ url: string; cut(): Promise<void> }> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
