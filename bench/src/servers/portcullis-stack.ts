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
  type Strategy,
} from '@portcullis/core';
import { createJwtCodec, isTokenError } from '@portcullis/core/adapter';
import type { Redis } from 'ioredis';
import { AUDIENCE, type Fixture, SECRET, type Stack } from '../config';
import { postgresStores, type Stores, sqliteStores } from './stores';

/** Portcullis configured for one scenario: what `/user` is guarded with, and what is mounted. */
export interface PortcullisStack {
  portcullis: Portcullis;
  /** Portcullis' own routes this scenario requests (`/users/me`, `/auth/jwt/login`). */
  mounts: Mounts;
  close(): Promise<void>;
}

const LIFETIME = 86_400;

/** The demo's backends (DESIGN §8), one per scenario so each measures one strategy. */
function backend(name: 'jwt' | 'cookie', strategy: Strategy): AuthenticationBackend {
  const transport =
    name === 'jwt'
      ? createBearerTransport({ tokenUrl: 'auth/jwt/login' })
      : createCookieTransport({ cookieMaxAge: LIFETIME, cookieSecure: false });
  return createAuthBackend({ name, transport, strategy });
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

/**
 * Builds Portcullis as an app would for the stack: SQLite users unless the stack is on
 * PostgreSQL, the default argon2id hasher (OWASP parameters), 24 h tokens.
 */
export async function portcullisStack(stack: Stack, fixture: Fixture): Promise<PortcullisStack> {
  let stores: Stores;
  let strategy: Strategy;
  let name: 'jwt' | 'cookie' = 'cookie';
  let redis: Redis | null = null;
  if (stack === 'cookie-pg') {
    const { url, schema } = requireService(fixture.postgres, 'PostgreSQL');
    stores = postgresStores(url, schema);
    strategy = createDatabaseStrategy({ store: stores.accessTokens, lifetimeSeconds: LIFETIME });
  } else if (stack === 'cookie-redis') {
    const { url, prefix } = requireService(fixture.redis, 'Redis');
    stores = sqliteStores(fixture.sqlitePath);
    // Imported here so the other stacks' servers never load a Redis client.
    const [{ createRedisStrategy }, { Redis: RedisClient }] = await Promise.all([
      import('@portcullis/redis'),
      import('ioredis'),
    ]);
    redis = new RedisClient(url, { maxRetriesPerRequest: 1 });
    strategy = createRedisStrategy({ redis, lifetimeSeconds: LIFETIME, keyPrefix: prefix });
  } else if (stack === 'cookie-sqlite') {
    stores = sqliteStores(fixture.sqlitePath);
    strategy = createDatabaseStrategy({ store: stores.accessTokens, lifetimeSeconds: LIFETIME });
  } else {
    stores = sqliteStores(fixture.sqlitePath);
    strategy =
      stack === 'jwt-before'
        ? jwtStrategyBeforeIssue7()
        : createJwtStrategy({ secret: SECRET, lifetimeSeconds: LIFETIME });
    name = 'jwt';
  }
  const portcullis = createPortcullis({
    userManager: {
      users: stores.users,
      // The hasher as it was before issue 7: every hash straight to the libuv pool.
      ...(stack === 'login-before'
        ? { passwordHasher: createPasswordHasher({ maxConcurrent: Number.POSITIVE_INFINITY }) }
        : {}),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [backend(name, strategy)],
  });
  let mounts: Mounts = [];
  if (stack === 'users-me') mounts = [['/users', portcullis.usersRouter()]];
  if (stack === 'login' || stack === 'login-before') {
    mounts = [['/auth/jwt', portcullis.authRouter('jwt')]];
  }
  return {
    portcullis,
    mounts,
    async close() {
      redis?.disconnect();
      await stores.close();
    },
  };
}
