import type { User, UserStore } from '@portcullis/core';
import {
  createSqlSessionStore,
  createSqlUserStore,
  openPostgres,
  openSqlite,
  type PortcullisDatabase,
  type SqlSessionStore,
} from '@portcullis/sql';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';

/** Portcullis' stores on one database, and how to close it. */
export interface Stores {
  db: Kysely<PortcullisDatabase>;
  users: UserStore;
  /** Given `users`: a session check is one statement joining the session to its user. */
  sessions: SqlSessionStore;
  close(): Promise<void>;
}

/** The user store, and the session store given it (one query per session check). */
function sqlStores(db: Kysely<PortcullisDatabase>): Pick<Stores, 'users' | 'sessions'> {
  const users = createSqlUserStore(db);
  return { users, sessions: createSqlSessionStore(db, { users }) };
}

/** The bench database on SQLite (better-sqlite3 through Kysely, as the demo opens it). */
export function sqliteStores(path: string): Stores {
  const db = openSqlite(path);
  return {
    db,
    ...sqlStores(db),
    close: () => db.destroy(),
  };
}

/**
 * A Kysely instance on the run's PostgreSQL schema, opened as docs/guides/sql.md tells an app to
 * (`openPostgres`: a pool of 10, bounded queries, the per-request reads prepared): `search_path`
 * is set per connection, so the stores' queries are the ones an app on the default schema runs.
 */
export function postgresDb(url: string, schema: string): Kysely<PortcullisDatabase> {
  const withSchema = new URL(url);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  return openPostgres(withSchema.toString());
}

export function postgresStores(url: string, schema: string): Stores {
  const db = postgresDb(url, schema);
  return {
    db,
    ...sqlStores(db),
    close: () => db.destroy(),
  };
}

/**
 * The ioredis client of the rows that read Redis (the Redis strategy's and its bare reference),
 * opened in one place so both rows measure the same client. ioredis is imported on first use:
 * the other rows' servers never load it.
 */
export async function redisClient(url: string): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis');
  return new RedisClient(url, { maxRetriesPerRequest: 1 });
}

/** The body every `GET /user` answers: the user row without its password hash. */
export interface PublicUser {
  id: string | number;
  email: string;
  is_active: boolean;
  is_superuser: boolean;
  is_verified: boolean;
}

export function publicUser(user: User): PublicUser {
  return {
    id: user.id,
    email: user.email,
    is_active: user.is_active,
    is_superuser: user.is_superuser,
    is_verified: user.is_verified,
  };
}
