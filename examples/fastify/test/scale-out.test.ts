import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// Three redis-server masters in cluster mode, started and stopped by this file.
import {
  clusterUnavailable,
  type LocalRedisCluster,
  startRedisCluster,
} from '../../../packages/redis/test/redis-cluster';
import { type RunningDemo, startDemo } from '../../shared/src/testing/demo-process';
import {
  type Answer,
  ensureHaproxy,
  type LoadBalancer,
  postgresSchema,
  send,
  startHaproxy,
} from '../../shared/src/testing/load-balancer';

// Abuse protection scaled out: the Fastify, Express and Koa demos behind HAProxy (round-robin,
// `option forwardfor`), on one PostgreSQL schema and a local Redis Cluster (REDIS_URL's
// `redis+cluster://` form), sharing sessions and limiter counters.

const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL || 'postgres://postgres:postgres@127.0.0.1:5432/test';
const ACCOUNT_LIMIT = 10;
const PAIR_LIMIT = 3;
const PER_MINUTE = 30;
const PASSWORD = 'round-table';

const unavailable = (await ensureHaproxy()) ?? (await clusterUnavailable());
const apps = ['fastify', 'express', 'koa'].map((name) =>
  fileURLToPath(new URL(`../../${name}`, import.meta.url)),
);

let cluster: LocalRedisCluster | undefined;
let database: { url: string; drop(): Promise<void> } | undefined;
let demos: RunningDemo[] = [];
let balancer: LoadBalancer | undefined;

function lb(): string {
  if (!balancer) throw new Error('the load balancer did not start');
  return balancer.url;
}

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const login = (base: string, from: string, email: string, password: string, headers = {}) => {
  const request = form({ username: email, password });
  return send(base, 'POST', '/auth/jwt/login', {
    from,
    body: request.body,
    headers: { ...request.headers, ...headers },
  });
};

async function register(email: string): Promise<void> {
  const answer = await send(lb(), 'POST', '/auth/register', {
    from: '127.0.0.200',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(answer.status).toBe(201);
}

function expectThrottled(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(JSON.parse(answer.body)).toEqual({ detail: 'TOO_MANY_REQUESTS' });
  expect(String(answer.headers['retry-after'])).toMatch(/^[1-9]\d*$/);
}

const email = (tag: string) => `${tag}.${Date.now().toString(36)}@camelot.bt`;

describe.skipIf(unavailable !== null)(
  `three demos behind HAProxy on PostgreSQL and a Redis Cluster${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    beforeAll(async () => {
      cluster = await startRedisCluster();
      database = await postgresSchema(POSTGRES_URL);
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: cluster.url,
        SECRET: 'scale-out-secret-scale-out-secret-0123',
        RATE_LIMIT: '1',
        RATE_LIMIT_LOGIN_FAILURES: String(PAIR_LIMIT),
        RATE_LIMIT_ACCOUNT_FAILURES: String(ACCOUNT_LIMIT),
        RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
        // Long enough that no wait ends while a case runs on a slow machine.
        RATE_LIMIT_DELAY_SECONDS: '120',
        // HAProxy connects from 127.0.0.1; the test's clients use other loopback addresses.
        TRUST_PROXY: '127.0.0.1/32',
      };
      // The first one creates the tables; the other two start on them.
      demos = [await startDemo(apps[0] as string, env)];
      demos.push(...(await Promise.all(apps.slice(1).map((dir) => startDemo(dir, env)))));
      balancer = await startHaproxy(demos.map((demo) => demo.base));
    }, 180_000);

    afterAll(async () => {
      await balancer?.stop();
      await Promise.all(demos.map((demo) => demo.stop()));
      await cluster?.stop();
      await database?.drop();
    }, 60_000);

    test('failures spread round-robin over the instances reach the per-account limit at exactly the configured count', async () => {
      const victim = email('gareth');
      await register(victim);
      const servedBy = new Set<string>();
      // Two failures per address: the pair limit (3) never triggers, only the account's.
      for (let i = 0; i < ACCOUNT_LIMIT; i++) {
        const from = `127.0.0.${10 + Math.floor(i / 2)}`;
        const answer = await login(lb(), from, victim, 'wrong-password');
        expect(answer.status, `failure ${i + 1}`).toBe(400);
        servedBy.add(String(answer.headers['x-served-by']));
      }
      expect(servedBy.size).toBe(3);
      for (const from of ['127.0.0.30', '127.0.0.31', '127.0.0.32']) {
        expectThrottled(await login(lb(), from, victim, PASSWORD));
      }
    });

    test('a forged X-Forwarded-For never gets a client out of its bucket', async () => {
      const target = email('agravain');
      await register(target);
      // Through the load balancer: the client writes entries, HAProxy appends its address.
      for (let i = 0; i < PAIR_LIMIT; i++) {
        const forged = { 'x-forwarded-for': `198.51.100.${i + 1}` };
        expect((await login(lb(), '127.0.0.40', target, 'wrong', forged)).status).toBe(400);
      }
      expectThrottled(
        await login(lb(), '127.0.0.40', target, PASSWORD, { 'x-forwarded-for': '198.51.100.77' }),
      );
      // Straight to an instance from an untrusted peer: its header is not read at all.
      const direct = demos[1]?.base as string;
      const other = email('gaheris');
      await register(other);
      for (let i = 0; i < PAIR_LIMIT; i++) {
        const forged = { 'x-forwarded-for': `203.0.113.${i + 1}` };
        expect((await login(direct, '127.0.0.41', other, 'wrong', forged)).status).toBe(400);
      }
      expectThrottled(
        await login(direct, '127.0.0.41', other, PASSWORD, { 'x-forwarded-for': '203.0.113.99' }),
      );
      // Another client is unaffected.
      expect((await login(lb(), '127.0.0.42', other, PASSWORD)).status).toBe(200);
    });

    test('the per-address budget is shared by every instance', async () => {
      const from = '127.0.0.50';
      const forgot = () =>
        send(lb(), 'POST', '/auth/forgot-password', {
          from,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: email('nobody') }),
        });
      for (let i = 0; i < PER_MINUTE; i++) expect((await forgot()).status).toBe(202);
      expectThrottled(await forgot());
    });

    test('a logout through one instance is seen by all of them', async () => {
      const knight = email('bedivere');
      await register(knight);
      const request = form({ username: knight, password: PASSWORD });
      const loggedIn = await send(lb(), 'POST', '/auth/cookie/login', {
        from: '127.0.0.60',
        ...request,
      });
      expect(loggedIn.status).toBe(204);
      const cookie = String((loggedIn.headers['set-cookie'] as string[])[0]).split(
        ';',
      )[0] as string;
      const me = (demo: RunningDemo) =>
        send(demo.base, 'GET', '/users/me', { headers: { cookie } }).then((a) => a.status);
      expect(await Promise.all(demos.map(me))).toEqual([200, 200, 200]);
      const out = await send(demos[0]?.base as string, 'POST', '/auth/cookie/logout', {
        headers: { cookie },
      });
      expect(out.status).toBe(204);
      expect(await Promise.all(demos.map(me))).toEqual([401, 401, 401]);
    });
  },
);
