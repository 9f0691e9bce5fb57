import { type Fixture, FRAMEWORKS, type Framework, PASSWORD, type Stack } from '../config';
import type { LoadConfig } from '../load/worker';

/** One measured configuration: a server (or the raw argon2 loop) and the load it gets. */
export interface Scenario {
  /** `<framework>/<stack>`, or `argon2/raw`. */
  id: string;
  framework: Framework | null;
  stack: Stack | 'argon2';
  label: string;
  /** Connections of the main load. */
  connections: number;
  /** Arm the server's event-loop delay histogram for the measured load. */
  loopDelay: boolean;
  /** The load for a server on `origin`. */
  load(fixture: Fixture, origin: string): LoadConfig;
}

/** Requests per second of the guarded route probed during the login storm. */
export const PROBE_RATE = 20;

/** Concurrency of the login storm (issue 7: "while 50 logins are in flight"). */
export const LOGIN_IN_FLIGHT = 50;

export const STACK_LABELS: Readonly<Record<Stack | 'argon2', string>> = {
  bare: 'bare route, user row from SQLite (baseline)',
  jwt: 'Portcullis JWT bearer, token reused (steady state)',
  'jwt-before': 'same, JWT codec as before issue 7 (no cache, Web Crypto verify)',
  'jwt-cold': 'Portcullis JWT bearer, fresh token per request (cold)',
  'jose-cold': 'jose jwtVerify, key imported once, fresh token per request',
  'cookie-sqlite': 'Portcullis cookie + database strategy, SQLite',
  'cookie-pg': 'Portcullis cookie + database strategy, PostgreSQL',
  'cookie-redis': 'Portcullis cookie + Redis strategy',
  'users-me': 'Portcullis GET /users/me (JWT, token reused)',
  login: 'Portcullis POST /auth/jwt/login (argon2id)',
  'login-before': 'same, password hasher as before issue 7 (no limit on hashes at once)',
  'login-throttle-on':
    'same, login throttling and per-address limits on (limits above the storm: every login checked, counted and reset)',
  'login-throttle-off': 'same, login throttling and per-address limits off',
  'passport-jwt': 'passport-jwt 4.0.1 as documented',
  'better-auth': 'better-auth 1.7.25 getSession (cookie)',
  argon2: 'raw argon2id verify (@node-rs/argon2 called directly, no HTTP)',
};

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

function loadFor(stack: Stack, fixture: Fixture, origin: string, connections: number): LoadConfig {
  const get = (headers: Record<string, string>, path = '/user'): LoadConfig => ({
    origin,
    method: 'GET',
    path,
    headers,
    connections,
  });
  switch (stack) {
    case 'bare':
      return get({});
    case 'jwt':
    case 'jwt-before':
    case 'passport-jwt':
      return get(bearer(fixture.jwt));
    case 'jwt-cold':
    case 'jose-cold':
      return { ...get(bearer(fixture.jwt)), freshTokensFor: fixture.userId };
    case 'cookie-sqlite':
    case 'cookie-pg':
      return get({ cookie: `fastapiusersauth=${fixture.dbToken}` });
    case 'cookie-redis':
      return get({ cookie: `fastapiusersauth=${fixture.redisToken ?? ''}` });
    case 'users-me':
      return get(bearer(fixture.jwt), '/users/me');
    case 'better-auth':
      return get({ cookie: fixture.betterAuthCookie });
    case 'login':
    case 'login-before':
    case 'login-throttle-on':
    case 'login-throttle-off':
      return {
        origin,
        method: 'POST',
        path: '/auth/jwt/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: fixture.email, password: PASSWORD }).toString(),
        connections,
        probe: { path: '/user', headers: bearer(fixture.jwt), rate: PROBE_RATE },
      };
  }
}

/** The login storm's stacks: 50 logins in flight, event-loop delay measured. */
export function isLoginStorm(stack: Stack | 'argon2'): boolean {
  return stack.startsWith('login');
}

/** Stacks run on every framework, in the order of a round. */
const EVERY_FRAMEWORK: readonly Stack[] = [
  'bare',
  'jwt',
  'jwt-before',
  'jwt-cold',
  'jose-cold',
  'cookie-sqlite',
  'cookie-pg',
  'cookie-redis',
  'users-me',
  'login',
  'login-before',
  'login-throttle-on',
  'login-throttle-off',
  'better-auth',
];

export interface CatalogueOptions {
  connections: number;
  /** Logins in flight during the storm. Default 50. */
  loginInFlight?: number;
  frameworks?: readonly Framework[];
  /** Keeps scenarios whose id matches. */
  only?: RegExp;
  /** Stacks that cannot run (service down), with the reason. */
  skip?: ReadonlyMap<Stack, string>;
}

/** Every scenario of a round, in run order: per framework, then the raw argon2 loop. */
export function catalogue(options: CatalogueOptions): Scenario[] {
  const scenarios: Scenario[] = [];
  const httpScenario = (framework: Framework, stack: Stack): Scenario => {
    const storm = isLoginStorm(stack);
    const connections = storm ? (options.loginInFlight ?? LOGIN_IN_FLIGHT) : options.connections;
    return {
      id: `${framework}/${stack}`,
      framework,
      stack,
      label: STACK_LABELS[stack],
      connections,
      loopDelay: storm,
      load: (fixture, origin) => loadFor(stack, fixture, origin, connections),
    };
  };
  for (const framework of options.frameworks ?? FRAMEWORKS) {
    for (const stack of EVERY_FRAMEWORK) scenarios.push(httpScenario(framework, stack));
    if (framework === 'express') scenarios.push(httpScenario(framework, 'passport-jwt'));
  }
  scenarios.push({
    id: 'argon2/raw',
    framework: null,
    stack: 'argon2',
    label: STACK_LABELS.argon2,
    connections: options.loginInFlight ?? LOGIN_IN_FLIGHT,
    loopDelay: false,
    load: (_fixture, origin) => ({ origin, method: 'GET', path: '/', headers: {}, connections: 0 }),
  });
  return scenarios.filter(
    (scenario) =>
      (!options.only || options.only.test(scenario.id)) &&
      !(scenario.stack !== 'argon2' && options.skip?.has(scenario.stack)),
  );
}
