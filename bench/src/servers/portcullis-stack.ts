import {
  type AuthenticationBackend,
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  type Mounts,
  type Portcullis,
  type RateLimitOptions,
  type SessionStore,
  type Strategy,
  type UserManagerOptions,
} from '@portcullis/core';
import { createJwtCodec, isTokenError } from '@portcullis/core/adapter';
import { AUDIENCE, type Fixture, SECRET, type Stack } from '../config';
import { postgresStores, redisClient, type Stores, sqliteStores } from './stores';

/** Portcullis configured for one scenario: what `/user` is guarded with, and what is mounted. */
export interface PortcullisStack {
  portcullis: Portcullis;
  /** Portcullis' own routes this scenario requests (`/users/me`, `/auth/jwt/login`). */
  mounts: Mounts;
  close(): Promise<void>;
}

const LIFETIME = 86_400;

/** The backends of the demo (see docs/demo.md), one per scenario so each measures one strategy. */
type BackendName = 'jwt' | 'session' | 'cookie';

function backend(name: BackendName, strategy: Strategy): AuthenticationBackend {
  const transport =
    name === 'cookie'
      ? createCookieTransport({ cookieMaxAge: LIFETIME, cookieSecure: false })
      : createBearerTransport({ tokenUrl: `auth/${name}/login` });
  return createAuthBackend({ name, transport, strategy });
}

/**
 * The demo's `session` backend strategy (see docs/sessions.md): access JWTs with `sid`, each
 * read checking its session in `sessions`, and refresh tokens with rotation. The access tokens
 * live 24 h like the other rows' tokens, so the fixture's outlives a full run (the demo's live
 * 15 minutes; the lifetime costs nothing per request). Bound to the backend named `session`,
 * as `createPortcullis` binds it: the fixture mints its tokens through the same binding.
 */
export function sessionStrategy(sessions: SessionStore): Strategy {
  const strategy = createJwtStrategy({
    secret: SECRET,
    lifetimeSeconds: LIFETIME,
    sessions,
    refresh: { lifetimeSeconds: 30 * LIFETIME, reuseGraceSeconds: 10 },
  });
  if (!strategy.forBackend) throw new Error('a session JWT strategy binds to its backend');
  return strategy.forBackend('session');
}

/**
 * The JWT strategy's read path as it was before issue 7, for a before/after in the same run:
 * its `readToken` (verify, then load the user), over a codec with no verified-token cache,
 * created where `process.getBuiltinModule` is hidden so it verifies through jose and Web Crypto.
 */
function jwtStrategyBeforeIssue7(): Strategy {
  const host = process as { getBuiltinModule?: unknown };
  const saved = host.getBuiltinModule;
  host.getBuiltinModule = undefined;
  let codec: ReturnType<typeof createJwtCodec>;
  try {
    codec = createJwtCodec({ secret: SECRET, verifiedTokenCacheSize: 0 });
  } finally {
    host.getBuiltinModule = saved;
  }
  const current = createJwtStrategy({ secret: SECRET, lifetimeSeconds: LIFETIME });
  return {
    async readToken(token, users) {
      let claims: Readonly<Record<string, unknown>>;
      try {
        claims = await codec.verify(token, [AUDIENCE]);
      } catch (error) {
        if (isTokenError(error)) return null;
        throw error;
      }
      return typeof claims.sub === 'string' ? users.findById(claims.sub) : null;
    },
    writeToken: (user) => current.writeToken(user),
    destroyToken: (token, user) => current.destroyToken(token, user),
  };
}

function requireService<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what} is not reachable; this scenario cannot run`);
  return value;
}

/** What guards `GET /user`: the stores, the strategy, the backend's name. */
interface Guard {
  stores: Stores;
  strategy: Strategy;
  name: BackendName;
  close?(): void;
}

/** How one row configures Portcullis. */
interface Recipe {
  guard(fixture: Fixture): Promise<Guard>;
  /** Portcullis' own routes this row requests. */
  mounts?(portcullis: Portcullis): Mounts;
  /** The user manager's options beyond the users store and the token secrets. */
  userManager?(): Partial<UserManagerOptions>;
  /** Login throttling and per-address limits: off unless the row measures them. */
  rateLimit?: RateLimitOptions;
}

const jwtGuard = async (fixture: Fixture): Promise<Guard> => ({
  stores: sqliteStores(fixture.sqlitePath),
  strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: LIFETIME }),
  name: 'jwt',
});

const databaseGuard =
  (on: 'sqlite' | 'postgres') =>
  async (fixture: Fixture): Promise<Guard> => {
    let stores: Stores;
    if (on === 'postgres') {
      const { url, schema } = requireService(fixture.postgres, 'PostgreSQL');
      stores = postgresStores(url, schema);
    } else stores = sqliteStores(fixture.sqlitePath);
    const strategy = createDatabaseStrategy({
      store: stores.sessions,
      lifetimeSeconds: LIFETIME,
    });
    return { stores, strategy, name: 'cookie' };
  };

const redisGuard = async (fixture: Fixture): Promise<Guard> => {
  const { url, prefix } = requireService(fixture.redis, 'Redis');
  // Imported here so the other rows' servers never load a Redis client.
  const [{ createRedisStrategy }, redis] = await Promise.all([
    import('@portcullis/redis'),
    redisClient(url),
  ]);
  return {
    stores: sqliteStores(fixture.sqlitePath),
    strategy: createRedisStrategy({ redis, lifetimeSeconds: LIFETIME, keyPrefix: prefix }),
    name: 'cookie',
    close: () => redis.disconnect(),
  };
};

/** The session backend on SQLite, its session store given `users` as the bench's others are. */
const sessionGuard = async (fixture: Fixture): Promise<Guard> => {
  const stores = sqliteStores(fixture.sqlitePath);
  return { stores, strategy: sessionStrategy(stores.sessions), name: 'session' };
};

const loginRoutes = (portcullis: Portcullis): Mounts => [
  ['/auth/jwt', portcullis.authRouter('jwt')],
];

/**
 * Every Portcullis row, as an app would configure it: SQLite users unless the row is on
 * PostgreSQL, the default argon2id hasher (OWASP parameters), 24 h tokens, throttling off but
 * in `login-throttle-on`.
 */
const RECIPES: Partial<Record<Stack, Recipe>> = {
  jwt: { guard: jwtGuard },
  'jwt-before': {
    guard: async (fixture) => ({
      ...(await jwtGuard(fixture)),
      strategy: jwtStrategyBeforeIssue7(),
    }),
  },
  'jwt-cold': { guard: jwtGuard },
  'cookie-sqlite': { guard: databaseGuard('sqlite') },
  'cookie-pg': { guard: databaseGuard('postgres') },
  'cookie-redis': { guard: redisGuard },
  'users-me': { guard: jwtGuard, mounts: (portcullis) => [['/users', portcullis.usersRouter()]] },
  'session-guard': { guard: sessionGuard },
  'session-refresh': {
    guard: sessionGuard,
    mounts: (portcullis) => [['/auth/session', portcullis.authRouter('session')]],
  },
  login: { guard: jwtGuard, mounts: loginRoutes },
  'login-before': {
    guard: jwtGuard,
    mounts: loginRoutes,
    // The hasher as it was before issue 7: every hash straight to the libuv pool.
    userManager: () => ({
      passwordHasher: createPasswordHasher({ maxConcurrent: Number.POSITIVE_INFINITY }),
    }),
  },
  // The storm's logins all come from one address for one email, and an attempt counts from the
  // moment it starts: the per-address budget and the pair's threshold are raised above the
  // storm, so every login is checked, counted and reset, and none is refused.
  'login-throttle-on': {
    guard: jwtGuard,
    mounts: loginRoutes,
    rateLimit: { perAddressPerMinute: 1_000_000_000, failuresBeforeDelay: 1_000_000 },
  },
  'login-throttle-off': { guard: jwtGuard, mounts: loginRoutes },
};

/** Builds Portcullis for one row. */
export async function portcullisStack(stack: Stack, fixture: Fixture): Promise<PortcullisStack> {
  const recipe = RECIPES[stack];
  if (!recipe) throw new Error(`no Portcullis recipe for ${stack}`);
  const { stores, strategy, name, close } = await recipe.guard(fixture);
  const portcullis = createPortcullis({
    userManager: {
      users: stores.users,
      ...recipe.userManager?.(),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [backend(name, strategy)],
    // On by default in Portcullis; a login storm from one address would spend the budget.
    rateLimit: recipe.rateLimit ?? false,
  });
  return {
    portcullis,
    mounts: recipe.mounts?.(portcullis) ?? [],
    async close() {
      close?.();
      await stores.close();
    },
  };
}
