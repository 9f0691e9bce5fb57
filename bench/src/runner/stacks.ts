/**
 * Every row the bench knows, in run order: what it is, what it is compared with, where it
 * runs and the load it gets. Adding a row is adding an entry here and, for a server, a
 * builder in `servers/` (`PORTCULLIS_STACKS` in portcullis-stack.ts for a Portcullis
 * configuration, `build` in servers/main.ts for anything else).
 */
import { type Fixture, type Framework, PASSWORD, type Stack } from '../config';
import type { LoadConfig } from '../load/worker';

/** Who wrote the authentication of a row: the chart's colours and the report's grouping. */
export type StackKind = 'baseline' | 'portcullis' | 'before' | 'reference' | 'peer';

/** A service a row needs; when it cannot be reached the row is listed as not run. */
export type Service = 'postgres' | 'redis';

export interface StackSpec {
  label: string;
  kind: StackKind;
  /**
   * The bare route this row's "× bare" is computed against: the one reading the user row from
   * the same database (`bare-pg` for rows whose users live in PostgreSQL).
   */
  baseline: 'bare' | 'bare-pg';
  /** Frameworks it runs on; every framework when absent. */
  frameworks?: readonly Framework[];
  needs?: readonly Service[];
  /** A login storm: the storm's concurrency, event-loop delay armed, the guarded-route probe. */
  storm?: boolean;
  /** The load for a server on `origin`. */
  load(fixture: Fixture, origin: string, connections: number): LoadConfig;
  /**
   * Not runnable yet: what it waits for. The report lists the row as planned; the catalogue
   * leaves it out. Drop the field once its server builder exists.
   */
  planned?: string;
}

/** Requests per second of the guarded route probed during the login storm. */
export const PROBE_RATE = 20;

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const get =
  (headers: (fixture: Fixture) => Record<string, string>, path = '/user') =>
  (fixture: Fixture, origin: string, connections: number): LoadConfig => ({
    origin,
    method: 'GET',
    path,
    headers: headers(fixture),
    connections,
  });

const coldJwt = (fixture: Fixture, origin: string, connections: number): LoadConfig => ({
  ...get((f) => bearer(f.jwt))(fixture, origin, connections),
  freshTokensFor: fixture.userId,
});

/** Logins with the right password; meanwhile the JWT-guarded route is probed. */
const loginStorm = (fixture: Fixture, origin: string, connections: number): LoadConfig => ({
  origin,
  method: 'POST',
  path: '/auth/jwt/login',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ username: fixture.email, password: PASSWORD }).toString(),
  connections,
  probe: { path: '/user', headers: bearer(fixture.jwt), rate: PROBE_RATE },
});

/**
 * Refresh tokens a `session-refresh` server gets per connection: one for the warm-up, one for
 * the measured run (each connection then sends the successor of each answer), and one spare
 * for an answer that carried none.
 */
export const REFRESH_STARTS_PER_LOAD = 3;

/** How far each fixture's refresh tokens have been handed out, in this process. */
const refreshHandedOut = new WeakMap<readonly string[], number>();

/**
 * The next `count` unused refresh tokens of the fixture: every server gets tokens no other
 * server got, since a token sent twice after the grace window ends its session.
 */
export function takeRefreshTokens(fixture: Fixture, count: number): string[] {
  const pool = fixture.refreshTokens;
  const from = refreshHandedOut.get(pool) ?? 0;
  if (from + count > pool.length) {
    throw new Error(
      `the fixture's ${pool.length} refresh tokens are used up (prepareFixture's refreshSessions)`,
    );
  }
  refreshHandedOut.set(pool, from + count);
  return pool.slice(from, from + count);
}

const cookie = (pair: (fixture: Fixture) => string | null) => (fixture: Fixture) => ({
  cookie: pair(fixture) ?? '',
});

const PG: readonly Service[] = ['postgres'];
const EXPRESS: readonly Framework[] = ['express'];

/**
 * The rows, in the order a framework's block runs them: the baselines first, then Portcullis,
 * the references and the peers. A stack's key is its id in `<framework>/<stack>`.
 */
export const STACKS: Readonly<Record<Stack, StackSpec>> = {
  bare: {
    label: 'bare route, user row from SQLite (baseline)',
    kind: 'baseline',
    baseline: 'bare',
    load: get(() => ({})),
  },
  'bare-pg': {
    label: 'bare route, user row from PostgreSQL (baseline of the PostgreSQL rows)',
    kind: 'baseline',
    baseline: 'bare-pg',
    needs: PG,
    load: get(() => ({})),
  },
  'bare-redis': {
    label:
      'bare route + the Redis strategy’s GET, user row from SQLite (reference of the Redis row)',
    kind: 'baseline',
    baseline: 'bare',
    needs: ['redis'],
    load: get(() => ({})),
  },
  jwt: {
    label: 'Portcullis JWT bearer, token reused (steady state)',
    kind: 'portcullis',
    baseline: 'bare',
    load: get((f) => bearer(f.jwt)),
  },
  'jwt-before': {
    label: 'same, JWT codec as before issue 7 (no cache, Web Crypto verify)',
    kind: 'before',
    baseline: 'bare',
    load: get((f) => bearer(f.jwt)),
  },
  'jwt-cold': {
    label: 'Portcullis JWT bearer, fresh token per request (cold)',
    kind: 'portcullis',
    baseline: 'bare',
    load: coldJwt,
  },
  'jose-cold': {
    label: 'jose jwtVerify, key imported once, fresh token per request',
    kind: 'reference',
    baseline: 'bare',
    load: coldJwt,
  },
  'cookie-sqlite': {
    label: 'Portcullis cookie + database strategy, SQLite',
    kind: 'portcullis',
    baseline: 'bare',
    load: get(cookie((f) => `fastapiusersauth=${f.dbToken}`)),
  },
  'cookie-pg': {
    label: 'Portcullis cookie + database strategy, PostgreSQL',
    kind: 'portcullis',
    baseline: 'bare-pg',
    needs: PG,
    load: get(cookie((f) => `fastapiusersauth=${f.dbToken}`)),
  },
  'cookie-redis': {
    label: 'Portcullis cookie + Redis strategy',
    kind: 'portcullis',
    baseline: 'bare',
    needs: ['redis'],
    load: get(cookie((f) => (f.redisToken ? `fastapiusersauth=${f.redisToken}` : null))),
  },
  'users-me': {
    label: 'Portcullis GET /users/me (JWT, token reused)',
    kind: 'portcullis',
    baseline: 'bare',
    load: get((f) => bearer(f.jwt), '/users/me'),
  },
  'session-guard': {
    label:
      'Portcullis session backend: access JWT with `sid`, session checked per request (SQLite)',
    kind: 'portcullis',
    baseline: 'bare',
    load: get((f) => bearer(f.sessionAccessToken)),
  },
  'session-refresh': {
    label:
      'Portcullis POST /auth/session/refresh (rotation: every refresh token sent once, SQLite)',
    kind: 'portcullis',
    baseline: 'bare',
    load: (fixture, origin, connections) => ({
      origin,
      method: 'POST',
      path: '/auth/session/refresh',
      headers: { 'content-type': 'application/json' },
      connections,
      refreshChain: takeRefreshTokens(fixture, connections * REFRESH_STARTS_PER_LOAD),
    }),
  },
  login: {
    label: 'Portcullis POST /auth/jwt/login (argon2id)',
    kind: 'portcullis',
    baseline: 'bare',
    storm: true,
    load: loginStorm,
  },
  'login-before': {
    label: 'same, password hasher as before issue 7 (no limit on hashes at once)',
    kind: 'before',
    baseline: 'bare',
    storm: true,
    load: loginStorm,
  },
  'login-throttle-on': {
    label:
      'same, login throttling and per-address limits on (limits above the storm: every login checked, counted and reset)',
    kind: 'portcullis',
    baseline: 'bare',
    storm: true,
    load: loginStorm,
  },
  'login-throttle-off': {
    label: 'same, login throttling and per-address limits off, in the same run',
    kind: 'before',
    baseline: 'bare',
    storm: true,
    load: loginStorm,
  },
  'better-auth': {
    label: 'better-auth 1.7.25 getSession (cookie, its tables on SQLite)',
    kind: 'peer',
    baseline: 'bare',
    load: get(cookie((f) => f.betterAuthCookie)),
  },
  'passport-jwt': {
    label: 'passport-jwt 4.0.1 as documented',
    kind: 'peer',
    baseline: 'bare',
    frameworks: EXPRESS,
    load: get((f) => bearer(f.jwt)),
  },
  'express-session': {
    label: 'express-session 1.19.0 + passport-local 1.0.0, connect-pg-simple 10.0.0 store',
    kind: 'peer',
    baseline: 'bare-pg',
    frameworks: EXPRESS,
    needs: PG,
    load: get(cookie((f) => f.expressSessionCookie)),
  },
  authjs: {
    label: 'Auth.js (@auth/express 0.12.3) getSession, database session (@auth/pg-adapter 1.11.3)',
    kind: 'peer',
    baseline: 'bare-pg',
    frameworks: EXPRESS,
    needs: PG,
    load: get(cookie((f) => f.authjsCookie)),
  },
};

/** The rows in run order. */
export const STACK_ORDER = Object.keys(STACKS) as Stack[];

/** The login storm's stacks: 50 logins in flight, event-loop delay measured. */
export function isLoginStorm(stack: Stack | 'argon2'): boolean {
  // A run saved before a row existed may name a stack this version no longer knows.
  const spec = stack === 'argon2' ? undefined : (STACKS[stack] as StackSpec | undefined);
  return spec?.storm === true;
}

/** Rows whose builder does not exist yet, with what they wait for. */
export function plannedStacks(): { stack: Stack; label: string; waitsFor: string }[] {
  return STACK_ORDER.flatMap((stack) => {
    const { planned, label } = STACKS[stack];
    return planned ? [{ stack, label, waitsFor: planned }] : [];
  });
}
