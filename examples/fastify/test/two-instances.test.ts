import { fileURLToPath } from 'node:url';
import { openSqlDatabase } from '@portcullis/sql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The demo's own Redis connection helper: ioredis is a dependency of the shared demo code.
import { openRedis } from '../../shared/src/redis';
import { type RunningDemo, startDemo } from '../../shared/src/testing/demo-process';

// Two demo processes behind an imaginary load balancer: one PostgreSQL database and one Redis,
// each of this run's own. Single-use tokens and logouts must hold across processes, where no
// in-process lock can help: only the stores' atomic operations do.

const appDir = fileURLToPath(new URL('..', import.meta.url));
const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
/** The Redis strategy's default key prefix, which the demo keeps. */
const PREFIX = 'portcullis_token:';
const PASSWORD = 'round-table';
/** Concurrent requests per race, split between the two instances. */
const RACERS = 10;

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const databaseName = `pc_twins_${run}`;
/** A Redis logical database of this run's own (1–15; the other tests use 0 with prefixes). */
const redisUrl = (() => {
  const url = new URL(REDIS_URL);
  url.pathname = `/${1 + Math.floor(Math.random() * 15)}`;
  return url.toString();
})();
const userIds = new Set<string>();

let a: RunningDemo;
let b: RunningDemo;

const post = (demo: RunningDemo, path: string, body: unknown, headers = {}) =>
  fetch(`${demo.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** The instances in turn: racer `i` goes to `a` or `b`. */
const instance = (i: number): RunningDemo => (i % 2 === 0 ? a : b);

async function register(email: string): Promise<void> {
  const response = await post(a, '/auth/register', { email, password: PASSWORD });
  expect(response.status).toBe(201);
  userIds.add(((await response.json()) as { id: string }).id);
}

/** The last token of `kind` the demo mailed to `email` (its OUTBOX), waiting a little for it. */
async function mailedToken(demo: RunningDemo, kind: string, email: string): Promise<string> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const mail = demo
      .outbox()
      .filter((m) => m.kind === kind && m.email === email)
      .pop();
    if (mail) return mail.token;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${kind} mail for ${email} in the OUTBOX`);
}

async function cookieLogin(demo: RunningDemo, email: string, password = PASSWORD) {
  return fetch(`${demo.base}/auth/cookie/login`, {
    method: 'POST',
    body: new URLSearchParams({ username: email, password }),
  });
}

/** Statuses and `detail`s of the responses, for one assertion. */
async function outcomes(responses: Response[]): Promise<{ status: number; detail?: unknown }[]> {
  return Promise.all(
    responses.map(async (r) => {
      if (r.status < 400) return { status: r.status };
      return { status: r.status, detail: ((await r.json()) as { detail?: unknown }).detail };
    }),
  );
}

beforeAll(async () => {
  const admin = openSqlDatabase(POSTGRES_URL);
  await sql`create database ${sql.id(databaseName)}`.execute(admin);
  await admin.destroy();
  const databaseUrl = new URL(POSTGRES_URL);
  databaseUrl.pathname = `/${databaseName}`;
  const env = { DATABASE_URL: databaseUrl.toString(), REDIS_URL: redisUrl };
  // One after the other: the first creates the tables, the second finds them.
  a = await startDemo(appDir, env);
  b = await startDemo(appDir, { ...env, SECRET: a.env.SECRET });
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  // This run's sessions: every token of its users, then their indexes.
  const { redis, close } = await openRedis(redisUrl, () => undefined);
  for (const id of userIds) {
    const index = `${PREFIX}user:${id}`;
    const tokens = await redis.zrange(index, '0', '-1');
    if (tokens.length > 0) await redis.del(...tokens.map((t) => `${PREFIX}${t}`));
    await redis.del(index);
  }
  await close();
  const admin = openSqlDatabase(POSTGRES_URL);
  await sql`drop database if exists ${sql.id(databaseName)} with (force)`.execute(admin);
  await admin.destroy();
});

describe('two demo instances on one PostgreSQL database and one Redis', () => {
  test('of concurrent registrations of one address across both, exactly one gets 201', async () => {
    const email = `twin.${run}@camelot.bt`;
    const variants = [email, email.toUpperCase().replace('@CAMELOT.BT', '@camelot.bt')];
    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        post(instance(i), '/auth/register', { email: variants[i % 2], password: PASSWORD }),
      ),
    );
    const results = await outcomes(responses);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201)).toEqual(
      Array(RACERS - 1).fill({ status: 400, detail: 'REGISTER_USER_ALREADY_EXISTS' }),
    );
  });

  test('of concurrent uses of one reset token across both, exactly one wins', async () => {
    const email = `reset.${run}@camelot.bt`;
    await register(email);
    expect((await post(a, '/auth/forgot-password', { email })).status).toBe(202);
    const token = await mailedToken(a, 'reset', email);
    const passwords = Array.from({ length: RACERS }, (_, i) => `new-password-${i}-${run}`);
    const results = await outcomes(
      await Promise.all(
        passwords.map((password, i) =>
          post(instance(i), '/auth/reset-password', { token, password }),
        ),
      ),
    );
    const won = results.findIndex((r) => r.status === 200);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200)).toEqual(
      Array(RACERS - 1).fill({ status: 400, detail: 'RESET_PASSWORD_BAD_TOKEN' }),
    );
    // The winner's password is the one both instances now accept.
    expect((await cookieLogin(b, email, passwords[won])).status).toBe(204);
    expect((await cookieLogin(a, email, PASSWORD)).status).toBe(400);
  });

  test('of concurrent uses of one verify token across both, exactly one wins', async () => {
    const email = `verify.${run}@camelot.bt`;
    await register(email);
    expect((await post(b, '/auth/request-verify-token', { email })).status).toBe(202);
    const token = await mailedToken(b, 'verify', email);
    const results = await outcomes(
      await Promise.all(
        Array.from({ length: RACERS }, (_, i) => post(instance(i), '/auth/verify', { token })),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200)).toEqual(
      Array(RACERS - 1).fill({ status: 400, detail: 'VERIFY_USER_ALREADY_VERIFIED' }),
    );
  });

  test('a cookie logged out on one instance is refused by the other', async () => {
    const email = `cookie.${run}@camelot.bt`;
    await register(email);
    const login = await cookieLogin(a, email);
    expect(login.status).toBe(204);
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    const me = (demo: RunningDemo) => fetch(`${demo.base}/users/me`, { headers: { cookie } });
    expect((await me(b)).status).toBe(200);
    expect((await post(a, '/auth/cookie/logout', {}, { cookie })).status).toBe(204);
    expect((await me(b)).status).toBe(401);
    expect((await me(a)).status).toBe(401);
  });
});
