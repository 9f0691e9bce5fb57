/**
 * Auth.js on Express as its documentation guards a route: `getSession(req, config)` from
 * `@auth/express`, with database sessions in PostgreSQL through `@auth/pg-adapter` (its
 * tables in the run's schema), so it does the work Portcullis' cookie + database strategy on
 * PostgreSQL does: the session row, then the user row.
 */
import { type ExpressAuthConfig, getSession } from '@auth/express';
import PostgresAdapter from '@auth/pg-adapter';
import express, { type Express } from 'express';
import pg from 'pg';
import { SECRET } from '../config';
import type { PublicUser } from './stores';

/**
 * The tables of Auth.js's PostgreSQL adapter, as its documentation gives them, plus a unique
 * index on the session token (the documented schema has none; Portcullis' token is a primary
 * key, and a lookup by sequential scan would not be a fair comparison).
 */
export const AUTHJS_TABLES_SQL = [
  `create table verification_token (identifier text not null, expires timestamptz not null, token text not null, primary key (identifier, token))`,
  `create table accounts (id serial, "userId" integer not null, type varchar(255) not null, provider varchar(255) not null, "providerAccountId" varchar(255) not null, refresh_token text, access_token text, expires_at bigint, id_token text, scope text, session_state text, token_type text, primary key (id))`,
  `create table sessions (id serial, "userId" integer not null, expires timestamptz not null, "sessionToken" varchar(255) not null, primary key (id))`,
  `create unique index sessions_token on sessions ("sessionToken")`,
  `create table users (id serial, name varchar(255), email varchar(255), "emailVerified" timestamptz, image text, primary key (id))`,
];

/** The session cookie's name on plain HTTP. */
export const AUTHJS_COOKIE = 'authjs.session-token';

/** A pool whose connections resolve Auth.js's unqualified table names in `schema`. */
export function authjsPool(url: string, schema: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
}

export function authjsConfig(pool: pg.Pool): ExpressAuthConfig {
  return {
    adapter: PostgresAdapter(pool),
    providers: [],
    secret: SECRET,
    trustHost: true,
    session: { strategy: 'database' },
    callbacks: {
      // The default session callback drops the user's id; apps add it back like this.
      session: ({ session, user }) => ({
        ...session,
        user: { ...session.user, id: user.id, emailVerified: user.emailVerified },
      }),
    },
  };
}

export interface AuthjsApp {
  app: Express;
  close(): Promise<void>;
}

/** `GET /user` answered from Auth.js's session. */
export function authjsApp(url: string, schema: string): AuthjsApp {
  const pool = authjsPool(url, schema);
  const config = authjsConfig(pool);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/user', async (req, res) => {
    const session = await getSession(req, config);
    const user = session?.user as { id?: string; email?: string; emailVerified?: unknown };
    if (!user?.id || !user.email) {
      res.status(401).json({ detail: 'Unauthorized' });
      return;
    }
    const body: PublicUser = {
      id: user.id,
      email: user.email,
      is_active: true,
      is_superuser: false,
      is_verified: user.emailVerified !== null && user.emailVerified !== undefined,
    };
    res.json(body);
  });
  return { app, close: () => pool.end() };
}
