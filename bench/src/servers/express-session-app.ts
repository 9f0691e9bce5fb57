/**
 * The classic Express cookie stack: express-session with its sessions in PostgreSQL
 * (connect-pg-simple), passport-local to log in, `passport.session()` to restore the user on
 * every request. Set up as the three READMEs show it, with the choices that make it do the
 * same work as Portcullis' cookie + database strategy on PostgreSQL (see `docs/performance.md`,
 * "Peers"): the session row, then the user row, from the same database.
 */

import { verify } from '@node-rs/argon2';
import type { User } from '@portcullis/core';
import connectPgSimple from 'connect-pg-simple';
import express, { type Express } from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import pg from 'pg';
import { SECRET } from '../config';
import { postgresStores, publicUser } from './stores';

/** connect-pg-simple's table, in the run's schema (the statements of its `table.sql`). */
export const SESSION_TABLE_SQL = [
  `create table "session" ("sid" varchar not null collate "default", "sess" json not null, "expire" timestamp(6) not null)`,
  `alter table "session" add constraint "session_pkey" primary key ("sid") not deferrable initially immediate`,
  `create index "IDX_session_expire" on "session" ("expire")`,
];

export interface ExpressSessionApp {
  app: Express;
  close(): Promise<void>;
}

/**
 * `POST /login` (passport-local, form fields `username` and `password`) and `GET /user`
 * answered from `req.user`, which `passport.session()` restores from the session.
 */
export function expressSessionApp(url: string, schema: string): ExpressSessionApp {
  const stores = postgresStores(url, schema);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const PgStore = connectPgSimple(session);
  const auth = new passport.Passport();
  auth.use(
    new LocalStrategy((username, password, done) => {
      stores.users.getByEmail(username).then(
        async (user) => {
          const ok = user?.is_active && (await verify(user.hashed_password, password));
          done(null, ok ? user : false);
        },
        (error: unknown) => done(error),
      );
    }),
  );
  auth.serializeUser<User>((user, done) => done(null, String(user.id)));
  auth.deserializeUser<User>((id, done) => {
    stores.users.get(id).then(
      (user) => done(null, user?.is_active ? user : false),
      (error: unknown) => done(error),
    );
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    session({
      store: new PgStore({
        pool,
        schemaName: schema,
        tableName: 'session',
        // Its default `touch` writes the session's expiry back on every request; Portcullis'
        // database strategy writes nothing on a read, so the comparison turns it off.
        disableTouch: true,
        // No pruning timer firing queries in the middle of a measurement.
        pruneSessionInterval: false,
      }),
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', maxAge: 86_400_000 },
    }),
  );
  app.use(auth.session());
  app.post(
    '/login',
    express.urlencoded({ extended: false }),
    auth.authenticate('local'),
    (_req, res) => {
      res.status(204).end();
    },
  );
  app.get('/user', (req, res) => {
    if (!req.user) res.status(401).json({ detail: 'Unauthorized' });
    else res.json(publicUser(req.user as User));
  });
  return {
    app,
    async close() {
      await pool.end();
      await stores.close();
    },
  };
}
