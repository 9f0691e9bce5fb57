import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPortcullis,
  InvalidPasswordError,
  type Mounts,
} from '@portcullis/core';
import {
  createSqlAccessTokenStore,
  createSqlUserStore,
  migrateToLatest,
  openSqlite,
} from '@portcullis/sql';
import { Hono } from 'hono';

export interface HonoExampleOptions {
  /** SQLite file, or `:memory:`. */
  databasePath: string;
  /** Signs the JWTs and the reset and verify tokens. */
  secret: string;
  /** Where verify and reset tokens go; a real app sends an email here. */
  sendMail(kind: 'verify' | 'reset', email: string, token: string): void;
}

export interface HonoExample {
  app: Hono;
  close(): Promise<void>;
}

const LIFETIME_SECONDS = 3600;

/**
 * Portcullis in a Hono app: the routers are mounted into one Fetch handler, and Hono hands it
 * every request below `/auth` and `/users` as the WHATWG `Request` it already has. Nothing here
 * is specific to Hono beyond `app.all` and `c.req.raw`.
 */
export async function createExample(options: HonoExampleOptions): Promise<HonoExample> {
  const db = openSqlite(options.databasePath);
  await migrateToLatest(db);
  const portcullis = createPortcullis({
    userManager: {
      users: createSqlUserStore(db),
      resetPasswordToken: { secret: options.secret },
      verificationToken: { secret: options.secret },
      validatePassword(password) {
        if (password.length < 8) {
          throw new InvalidPasswordError('Password should be at least 8 characters');
        }
      },
      hooks: {
        onAfterRequestVerify: (user, token) => options.sendMail('verify', user.email, token),
        onAfterForgotPassword: (user, token) => options.sendMail('reset', user.email, token),
      },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: options.secret, lifetimeSeconds: LIFETIME_SECONDS }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: LIFETIME_SECONDS }),
        strategy: createDatabaseStrategy({
          store: createSqlAccessTokenStore(db),
          lifetimeSeconds: LIFETIME_SECONDS,
        }),
      }),
    ],
  });
  const mounts: Mounts = [
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/auth', portcullis.registerRouter()],
    ['/auth', portcullis.resetPasswordRouter()],
    ['/auth', portcullis.verifyRouter()],
    ['/users', portcullis.usersRouter()],
  ];
  const handler = portcullis.handler(mounts);

  const app = new Hono();
  // Below its prefixes Portcullis answers everything itself, 404 and 405 included.
  app.all('/auth/*', (c) => handler.fetch(c.req.raw));
  app.all('/users/*', (c) => handler.fetch(c.req.raw));
  // A route of the app's own that needs a logged-in user: one header-level call, no round trip
  // through the handler.
  app.get('/hello', async (c) => {
    const result = await portcullis.authenticate(
      { authorization: c.req.header('authorization'), cookie: c.req.header('cookie') },
      { active: true },
    );
    if (!result.ok) return c.json({ detail: 'Unauthorized' }, result.status);
    return c.json({ message: `Hello, ${result.user?.email}!` });
  });
  return { app, close: () => db.destroy() };
}
