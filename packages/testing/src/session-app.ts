import type { Portcullis, SessionStore, UserStore } from '@portcullis/core';
import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
} from '@portcullis/core';
import { type HttpRequestInit, toRequestInit } from './http-client';

export const SESSION_APP_SECRET = 'session-suite-secret-session-suite-0123';
export const SESSION_APP_PASSWORD = 'correct horse battery staple';
export const SESSION_APP_COOKIE = 'fastapiusersauth';

export interface SessionAppOptions {
  users: UserStore;
  sessions: SessionStore;
  tokenStorage?: 'hashed' | 'plain';
  /** The refresh tokens' grace window; default 10 s, as core's. */
  reuseGraceSeconds?: number;
}

export interface SessionApp {
  portcullis: Portcullis;
  request(method: string, path: string, init?: HttpRequestInit): Promise<Response>;
}

/**
 * An app whose two backends keep sessions in the store under test: `cookie` (cookie transport,
 * database strategy) and `session` (bearer, JWTs with `sid`, refresh tokens), with the users
 * and sessions routers at `/users`. Two apps on the same stores are two instances.
 */
export function createSessionApp(options: SessionAppOptions): SessionApp {
  const portcullis = createPortcullis({
    rateLimit: false,
    userManager: {
      users: options.users,
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SESSION_APP_SECRET },
      verificationToken: { secret: SESSION_APP_SECRET },
    },
    backends: [
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: 3600, cookieSecure: false }),
        strategy: createDatabaseStrategy({
          store: options.sessions,
          lifetimeSeconds: 3600,
          tokenStorage: options.tokenStorage ?? 'hashed',
        }),
      }),
      createAuthBackend({
        name: 'session',
        transport: createBearerTransport({ tokenUrl: 'auth/session/login' }),
        strategy: createJwtStrategy({
          secret: SESSION_APP_SECRET,
          lifetimeSeconds: 900,
          sessions: options.sessions,
          refresh: {
            lifetimeSeconds: 86_400,
            ...(options.reuseGraceSeconds === undefined
              ? {}
              : { reuseGraceSeconds: options.reuseGraceSeconds }),
          },
        }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/auth/session', portcullis.authRouter('session')],
    ['/users', portcullis.usersRouter()],
    ['/users', portcullis.sessionsRouter()],
  ]);
  return {
    portcullis,
    request: (method, path, init = {}) =>
      handler.fetch(new Request(`http://sessions.test${path}`, toRequestInit(method, init)), {
        remoteAddress: '198.51.100.23',
      }),
  };
}

/** A fresh address unique to this run. */
export function sessionAppEmail(tag: string): string {
  return `${tag}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@camelot.bt`;
}
