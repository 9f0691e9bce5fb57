/**
 * What the runner, the servers and the load generators agree on: the fixture every server
 * reads, the scenarios, and the messages they exchange.
 */

/** Token secret of every server in a run (the bench signs cold-path tokens with it too). */
export const SECRET = 'portcullis-bench-secret-0123456789abcdef';
/** Portcullis' default JWT audience. */
export const AUDIENCE = 'portcullis:auth';
/** Password of every bench user. */
export const PASSWORD = 'correct horse battery staple';

/**
 * The PostgreSQL and Redis a run uses: `TEST_POSTGRES_URL` and `TEST_REDIS_URL`, or this
 * machine's (scripts/services.sh starts them).
 */
export function serviceUrls(): { postgresUrl: string; redisUrl: string } {
  return {
    postgresUrl:
      process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test',
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

export type Framework = 'fastify' | 'express' | 'koa';
export const FRAMEWORKS: readonly Framework[] = ['fastify', 'koa', 'express'];

/**
 * How `GET /user` is authenticated. Every stack answers the same body for the same user row,
 * so req/s differ only by what the authentication costs.
 */
export type Stack =
  | 'bare'
  | 'bare-pg'
  | 'bare-redis'
  | 'jwt'
  | 'jwt-before'
  | 'jwt-cold'
  | 'jose-cold'
  | 'cookie-sqlite'
  | 'cookie-pg'
  | 'cookie-redis'
  | 'users-me'
  | 'login'
  | 'login-before'
  | 'login-throttle-on'
  | 'login-throttle-off'
  | 'passport-jwt'
  | 'better-auth'
  | 'express-session'
  | 'authjs'
  | 'session-guard'
  | 'session-refresh';

/** Data prepared once per run and handed to every server (as JSON in BENCH_FIXTURE). */
export interface Fixture {
  /** SQLite file with Portcullis' tables, the bench users and a database-strategy token. */
  sqlitePath: string;
  /** SQLite file with better-auth's tables, its user and session. */
  betterAuthPath: string;
  /**
   * PostgreSQL URL, the schema holding Portcullis' tables (and the PostgreSQL peers' tables),
   * and the bench user's id there; null when PG is not reachable.
   */
  postgres: { url: string; schema: string; userId: string } | null;
  /** Redis URL and the key prefix of this run; null when Redis is not reachable. */
  redis: { url: string; prefix: string } | null;
  userId: string;
  email: string;
  /** A JWT for the user from Portcullis' JWT strategy (steady state: reused by every request). */
  jwt: string;
  /** A database-strategy token present in both the SQLite and the PostgreSQL table. */
  dbToken: string;
  /** A Redis-strategy token, when Redis is reachable. */
  redisToken: string | null;
  /** better-auth's session cookie (`name=value`). */
  betterAuthCookie: string;
  /** express-session's cookie after a passport-local login (`name=value`), PostgreSQL store. */
  expressSessionCookie: string | null;
  /** Auth.js's database-session cookie (`name=value`), PostgreSQL adapter. */
  authjsCookie: string | null;
  /**
   * An access JWT of the `session` backend (with `sid`), its session in the SQLite file: what
   * `session-guard` sends on every request.
   */
  sessionAccessToken: string;
  /**
   * Refresh tokens of the `session` backend, each of a session of its own in the SQLite file,
   * each sent once (`session-refresh`). The runner keeps them: servers get the fixture without.
   */
  refreshTokens: readonly string[];
}

/** The server's first message on its IPC channel. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
}

/** Event-loop delay percentiles, in milliseconds beyond the sampling interval. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** What the server saw between `measure-start` and `measure-stop`. */
export interface MeasuredMessage {
  type: 'measured';
  /** CPU time of the whole server process (every thread), in milliseconds. */
  cpuMs: number;
  wallMs: number;
  /** When the start command asked for it. */
  loop?: LoopDelay;
}

/**
 * Runner → server, around the measured load: start counting CPU time (and arm the event-loop
 * delay histogram when asked), then stop and report.
 */
export type ServerCommand =
  | { type: 'measure-start'; loopDelay: boolean }
  | { type: 'measure-stop' };
