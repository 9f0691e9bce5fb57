import { portcullis, requireUser } from '@portcullis/express';
import express, { type Express } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { AUDIENCE, type Fixture, SECRET } from '../config';
import type { Check } from './checks';
import type { PortcullisStack } from './portcullis-stack';
import { publicUser, type Stores, sqliteStores } from './stores';

function newApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  return app;
}

/** `GET /user` guarded by Portcullis' `requireUser()` middleware, plus the scenario's routes. */
export function expressPortcullis(stack: PortcullisStack): Express {
  const app = newApp();
  if (stack.mounts.length > 0) {
    app.use(portcullis({ portcullis: stack.portcullis, routes: stack.mounts }));
  }
  app.get('/user', requireUser(stack.portcullis, { active: true }), (req, res) => {
    res.json(req.user ? publicUser(req.user) : null);
  });
  return app;
}

/** `GET /user` answered by a check (bare, jose, better-auth). */
export function expressCheck(check: Check): Express {
  const app = newApp();
  app.get('/user', async (req, res) => {
    const user = await check(req.headers);
    if (!user) res.status(401).json({ detail: 'Unauthorized' });
    else res.json(user);
  });
  return app;
}

/**
 * passport-jwt as its README sets it up: bearer extractor, the secret, a verify callback that
 * loads the user (here through the same store), `session: false`.
 */
export function expressPassport(fixture: Fixture): { app: Express; stores: Stores } {
  const stores = sqliteStores(fixture.sqlitePath);
  passport.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: SECRET,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      },
      (payload: { sub?: unknown }, done: (error: unknown, user?: unknown) => void) => {
        if (typeof payload.sub !== 'string') return done(null, false);
        stores.users.get(payload.sub).then(
          (user) => done(null, user?.is_active ? user : false),
          (error: unknown) => done(error),
        );
      },
    ),
  );
  const app = newApp();
  app.use(passport.initialize());
  app.get('/user', passport.authenticate('jwt', { session: false }), (req, res) => {
    res.json(publicUser(req.user as Parameters<typeof publicUser>[0]));
  });
  return { app, stores };
}
