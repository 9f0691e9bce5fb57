import type { IncomingHttpHeaders } from 'node:http';
import { jwtVerify } from 'jose';
import { AUDIENCE, type Fixture, SECRET } from '../config';
import {
  type PublicUser,
  postgresStores,
  publicUser,
  redisClient,
  type Stores,
  sqliteStores,
} from './stores';

/**
 * Authentication that is not Portcullis, as a function of the request headers: the user to
 * answer with, or null for a 401. Each framework wraps it in the same `GET /user` route.
 */
export interface Check {
  (headers: IncomingHttpHeaders): Promise<PublicUser | null>;
  close(): Promise<void>;
}

export function withClose(
  check: (headers: IncomingHttpHeaders) => Promise<PublicUser | null>,
  close: () => Promise<void>,
): Check {
  return Object.assign(check, { close });
}

function bare(stores: Stores, userId: string): Check {
  return withClose(async () => {
    const user = await stores.users.get(userId);
    return user ? publicUser(user) : null;
  }, stores.close);
}

/** The baseline: no authentication, the same user row read through the same store. */
export function bareCheck(fixture: Fixture): Check {
  return bare(sqliteStores(fixture.sqlitePath), fixture.userId);
}

/**
 * The baseline of the PostgreSQL rows: the same user row read from PostgreSQL through the
 * same store, opened as the PostgreSQL strategies' (`postgresDb`), no authentication.
 */
export function barePgCheck(fixture: Fixture): Check {
  if (!fixture.postgres) throw new Error('PostgreSQL is not reachable; this scenario cannot run');
  const { url, schema, userId } = fixture.postgres;
  return bare(postgresStores(url, schema), userId);
}

/**
 * The reference of the Redis row: the same `GET` of the bench token's key as the Redis
 * strategy's read (same ioredis client options), then the same user row from SQLite by the id
 * Redis answered; no authentication. The Redis row's "× bare" stays against the plain bare
 * route (the target's baseline); this row shows what one Redis round trip costs by itself.
 */
export async function bareRedisCheck(fixture: Fixture): Promise<Check> {
  if (!fixture.redis || !fixture.redisToken) {
    throw new Error('Redis is not reachable; this scenario cannot run');
  }
  const redis = await redisClient(fixture.redis.url);
  const key = `${fixture.redis.prefix}${fixture.redisToken}`;
  const stores = sqliteStores(fixture.sqlitePath);
  return withClose(
    async () => {
      const id = await redis.get(key);
      const user = id === null ? null : await stores.users.get(id);
      return user ? publicUser(user) : null;
    },
    async () => {
      redis.disconnect();
      await stores.close();
    },
  );
}

/**
 * jose's `jwtVerify` with the HMAC key imported once (what a careful hand-rolled JWT guard
 * does), then the same user lookup: the reference for Portcullis' cold path.
 */
export async function joseCheck(fixture: Fixture): Promise<Check> {
  const stores = sqliteStores(fixture.sqlitePath);
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  return withClose(async (headers) => {
    const header = headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    try {
      const { payload } = await jwtVerify(header.slice(7), key, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
      });
      const user = typeof payload.sub === 'string' ? await stores.users.get(payload.sub) : null;
      return user?.is_active ? publicUser(user) : null;
    } catch {
      return null;
    }
  }, stores.close);
}
