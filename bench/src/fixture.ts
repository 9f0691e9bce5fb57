/**
 * The data every server of a run reads: the same users in SQLite and PostgreSQL, a token per
 * strategy, better-auth's own tables with the same user, and the PostgreSQL peers' tables
 * (fixture-peers.ts). Made once per run, removed after.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJwtStrategy, createPasswordHasher, type User } from '@portcullis/core';
import { randomToken } from '@portcullis/core/adapter';
import { createRedisStrategy } from '@portcullis/redis';
import {
  createSqlSessionStore,
  createSqlUserStore,
  migrateToLatest,
  type PortcullisDatabase,
} from '@portcullis/sql';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { Redis } from 'ioredis';
import { type Kysely, sql } from 'kysely';
import { type Fixture, PASSWORD, SECRET } from './config';
import { prepareAuthjs, prepareExpressSession } from './fixture-peers';
import { betterAuthOptions } from './servers/better-auth-check';
import { sessionStrategy } from './servers/portcullis-stack';
import { postgresDb, postgresStores, sqliteStores } from './servers/stores';

/** Users in the table, so a lookup by id is a real index search, not a one-row table scan. */
const USERS = 1000;
const BENCH_EMAIL = 'bench.user@example.com';

export interface Services {
  postgresUrl: string;
  redisUrl: string;
  /** Sessions made for `session-refresh`, one refresh token each. Default 64. */
  refreshSessions?: number;
}

export interface PreparedFixture {
  fixture: Fixture;
  /** Why a service-backed scenario cannot run, by service. */
  unavailable: { postgres?: string; redis?: string };
  cleanup(): Promise<void>;
}

/** The users, in one transaction (a commit per user would cost an fsync each), and a session. */
async function fillUsers(
  db: Kysely<PortcullisDatabase>,
  hash: string,
  token: string,
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const users = createSqlUserStore<PortcullisDatabase>(trx);
    let bench: User | null = null;
    for (let i = 0; i < USERS; i++) {
      const email = i === USERS / 2 ? BENCH_EMAIL : `user.${i}@example.com`;
      const user = await users.create({ email, hashed_password: hash, is_verified: true });
      if (email === BENCH_EMAIL) bench = user;
    }
    if (!bench) throw new Error('bench user not created');
    // The session a cookie login would create; the store keeps the token's SHA-256, as the
    // database strategy does by default.
    const now = new Date();
    await createSqlSessionStore<PortcullisDatabase>(trx).create({
      id: `bench-${randomBytes(8).toString('hex')}`,
      user_id: bench.id,
      backend: 'cookie',
      created_at: now,
      expires_at: null,
      user_agent: null,
      ip: null,
      auth_time: now,
      mfa: false,
      token_key: createHash('sha256').update(token).digest('hex'),
      refresh_generation: null,
    });
    return bench;
  });
}

/**
 * Logs the bench user in through the `session` backend's strategy, as its login route does
 * once the password is checked (`refresh.login`): one session whose access token
 * `session-guard` sends, and `count` more whose refresh tokens `session-refresh` rotates. In one
 * transaction, as a commit per session would cost an fsync each.
 */
async function prepareSessions(
  db: Kysely<PortcullisDatabase>,
  user: User,
  count: number,
): Promise<{ accessToken: string; refreshTokens: string[] }> {
  return db.transaction().execute(async (trx) => {
    const users = createSqlUserStore<PortcullisDatabase>(trx);
    const grant = sessionStrategy(
      createSqlSessionStore<PortcullisDatabase>(trx, { users }),
    ).refresh;
    if (!grant) throw new Error('the session strategy issues no refresh tokens');
    const { accessToken } = await grant.login(user);
    const refreshTokens: string[] = [];
    for (let i = 0; i < count; i++) {
      refreshTokens.push((await grant.login(user)).refreshToken);
    }
    return { accessToken, refreshTokens };
  });
}

async function preparePostgres(url: string, hash: string, token: string) {
  const schema = `portcullis_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgresDb(url, 'public');
  try {
    await sql`create schema ${sql.id(schema)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
  const stores = postgresStores(url, schema);
  try {
    await migrateToLatest(stores.db);
    const user = await fillUsers(stores.db, hash, token);
    return { schema, userId: String(user.id), drop: () => dropSchema(url, schema) };
  } catch (error) {
    await dropSchema(url, schema).catch(() => undefined);
    throw error;
  } finally {
    await stores.close();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const admin = postgresDb(url, 'public');
  try {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
  } finally {
    await admin.destroy();
  }
}

async function prepareRedis(url: string, user: User) {
  const prefix = `portcullis-bench:${process.pid}:${randomBytes(3).toString('hex')}:`;
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    const token = await createRedisStrategy({ redis, keyPrefix: prefix }).writeToken(user);
    return {
      prefix,
      token,
      async drop(): Promise<void> {
        const again = new Redis(url, { maxRetriesPerRequest: 1 });
        try {
          const keys = await again.keys(`${prefix}*`);
          if (keys.length > 0) await again.del(...keys);
        } finally {
          again.disconnect();
        }
      },
    };
  } finally {
    redis.disconnect();
  }
}

async function prepareBetterAuth(path: string): Promise<string> {
  const options = betterAuthOptions(path);
  try {
    const { runMigrations } = await getMigrations(options);
    await runMigrations();
    const auth = betterAuth(options);
    const response = await auth.api.signUpEmail({
      body: { email: BENCH_EMAIL, password: PASSWORD, name: 'Bench User' },
      asResponse: true,
    });
    if (!response.ok) throw new Error(`better-auth sign-up answered ${response.status}`);
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .find((pair) => pair?.startsWith('better-auth.session_token='));
    if (!cookie) throw new Error('better-auth sign-up set no session cookie');
    return cookie;
  } finally {
    options.database.close();
  }
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Creates the run's data; services that cannot be reached are reported, not fatal.
 *
 * @example
 * ```ts
 * const { fixture, unavailable, cleanup } = await prepareFixture({ postgresUrl, redisUrl });
 * try {
 *   // start servers with `fixture`
 * } finally {
 *   await cleanup();
 * }
 * ```
 */
export async function prepareFixture(services: Services): Promise<PreparedFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-bench-'));
  const sqlitePath = join(dir, 'bench.db');
  const betterAuthPath = join(dir, 'better-auth.db');
  const hash = await createPasswordHasher().hash(PASSWORD);
  const dbToken = randomToken();

  const stores = sqliteStores(sqlitePath);
  let user: User;
  let sessions: { accessToken: string; refreshTokens: string[] };
  try {
    await migrateToLatest(stores.db);
    user = await fillUsers(stores.db, hash, dbToken);
    sessions = await prepareSessions(stores.db, user, services.refreshSessions ?? 64);
  } finally {
    await stores.close();
  }
  const jwt = await createJwtStrategy({ secret: SECRET, lifetimeSeconds: 86_400 }).writeToken(user);

  const unavailable: PreparedFixture['unavailable'] = {};
  const drops: (() => Promise<void>)[] = [];
  let postgres: Fixture['postgres'] = null;
  try {
    const prepared = await preparePostgres(services.postgresUrl, hash, dbToken);
    drops.push(prepared.drop);
    postgres = { url: services.postgresUrl, schema: prepared.schema, userId: prepared.userId };
  } catch (error) {
    unavailable.postgres = reason(error);
  }
  const cleanup = async (): Promise<void> => {
    for (const drop of drops) await drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  let redis: Fixture['redis'] = null;
  let redisToken: string | null = null;
  try {
    const prepared = await prepareRedis(services.redisUrl, user);
    drops.push(prepared.drop);
    redis = { url: services.redisUrl, prefix: prepared.prefix };
    redisToken = prepared.token;
  } catch (error) {
    unavailable.redis = reason(error);
  }
  let betterAuthCookie: string;
  let expressSessionCookie: string | null = null;
  let authjsCookie: string | null = null;
  try {
    betterAuthCookie = await prepareBetterAuth(betterAuthPath);
    // The PostgreSQL peers live in the run's schema, dropped with it.
    if (postgres) {
      const { url, schema } = postgres;
      expressSessionCookie = await prepareExpressSession(url, schema, BENCH_EMAIL);
      authjsCookie = await prepareAuthjs(url, schema, USERS, USERS / 2, BENCH_EMAIL);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }

  return {
    fixture: {
      sqlitePath,
      betterAuthPath,
      postgres,
      redis,
      userId: String(user.id),
      email: BENCH_EMAIL,
      jwt,
      dbToken,
      redisToken,
      betterAuthCookie,
      expressSessionCookie,
      authjsCookie,
      sessionAccessToken: sessions.accessToken,
      refreshTokens: sessions.refreshTokens,
    },
    unavailable,
    cleanup,
  };
}
