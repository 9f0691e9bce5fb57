import { type HttpRequestInit, toRequestInit } from '@portcullis/testing';
import { createAuthBackend } from '../src/auth/backend';
import { createBearerTransport } from '../src/auth/bearer-transport';
import { createCookieTransport } from '../src/auth/cookie-transport';
import { createDatabaseStrategy } from '../src/auth/database-strategy';
import { createJwtStrategy } from '../src/auth/jwt-strategy';
import type { TokenRevocationStore } from '../src/auth/revocation';
import type { UserManagerHooks } from '../src/hooks';
import { createPortcullis, type Portcullis, type PortcullisOptions } from '../src/portcullis';
import type { RefreshTokenReuseEvent, SessionRevokedEvent } from '../src/sessions/events';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import type { MfaStore, SessionStore, User, UserStore } from '../src/types';
import { fastHasher, SECRET } from './app';
import { createMemoryUserStore } from './memory-store';

export const PASSWORD = 'correct horse battery';

export interface SessionsApp {
  portcullis: Portcullis;
  users: UserStore;
  sessions: SessionStore;
  revoked: SessionRevokedEvent[];
  reused: RefreshTokenReuseEvent[];
  mail: { email: string; token: string }[];
  request(method: string, path: string, init?: HttpRequestInit): Promise<Response>;
  /** A user that can log in with PASSWORD. */
  user(email: string, flags?: { superuser?: boolean }): Promise<User>;
}

/**
 * Backends `jwt` (stateless), `session` (bearer + JWT with sid + refresh) and `cookie`
 * (cookie + database strategy), sharing one session store, with the sessions router at /users.
 */
export function createSessionsApp(
  options: {
    sessions?: SessionStore;
    users?: UserStore;
    revocation?: PortcullisOptions['sessionRevocation'];
    tokenStorage?: 'hashed' | 'plain';
    cookieRefresh?: boolean;
    rateLimit?: PortcullisOptions['rateLimit'];
    jwtRevocation?: TokenRevocationStore;
    /** The refresh tokens' reuse grace window, seconds (default 10). */
    reuseGraceSeconds?: number;
    /** Second factors on: `/auth/mfa` is mounted and every login passes the gate. */
    mfa?: MfaStore;
  } = {},
): SessionsApp {
  const users = options.users ?? createMemoryUserStore();
  const sessions = options.sessions ?? createMemorySessionStore();
  const revoked: SessionRevokedEvent[] = [];
  const reused: RefreshTokenReuseEvent[] = [];
  const mail: SessionsApp['mail'] = [];
  const hooks: UserManagerHooks = {
    onSessionRevoked: (event) => {
      revoked.push(event);
    },
    onRefreshTokenReuse: (event) => {
      reused.push(event);
    },
    onAfterForgotPassword: (user, token) => {
      mail.push({ email: user.email, token });
    },
  };
  const refresh = { lifetimeSeconds: 86_400, reuseGraceSeconds: options.reuseGraceSeconds ?? 10 };
  const portcullis = createPortcullis({
    rateLimit: options.rateLimit ?? false,
    ...(options.mfa ? { mfa: { store: options.mfa, encryptionKey: SECRET } } : {}),
    ...(options.revocation ? { sessionRevocation: options.revocation } : {}),
    userManager: {
      users,
      passwordHasher: fastHasher(),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      hooks,
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({
          secret: SECRET,
          lifetimeSeconds: 3600,
          ...(options.jwtRevocation ? { revocation: options.jwtRevocation } : {}),
        }),
      }),
      createAuthBackend({
        name: 'session',
        transport: createBearerTransport({ tokenUrl: 'auth/session/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 900, sessions, refresh }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: 3600 }),
        strategy: options.cookieRefresh
          ? createJwtStrategy({ secret: SECRET, lifetimeSeconds: 900, sessions, refresh })
          : createDatabaseStrategy({
              store: sessions,
              lifetimeSeconds: 3600,
              ...(options.tokenStorage ? { tokenStorage: options.tokenStorage } : {}),
            }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/session', portcullis.authRouter('session')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/auth', portcullis.resetPasswordRouter()],
    ['/users', portcullis.usersRouter()],
    ['/users', portcullis.sessionsRouter()],
    ...(options.mfa ? [['/auth/mfa', portcullis.mfaRouter()] as const] : []),
  ]);
  return {
    portcullis,
    users,
    sessions,
    revoked,
    reused,
    mail,
    request: (method, path, init) =>
      handler.fetch(new Request(`http://app.test${path}`, toRequestInit(method, init)), {
        remoteAddress: '203.0.113.7',
      }),
    user: (email, flags = {}) =>
      portcullis.userManager.create({
        email,
        password: PASSWORD,
        is_superuser: flags.superuser ?? false,
      }),
  };
}

/** Logs in on a bearer backend; the JSON answer. */
export async function bearerLogin(
  app: SessionsApp,
  backend: 'jwt' | 'session',
  email: string,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown> & { access_token: string }> {
  const response = await app.request('POST', `/auth/${backend}/login`, {
    form: { username: email, password: PASSWORD },
    headers,
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  return (await response.json()) as Record<string, unknown> & { access_token: string };
}

/** Logs in on the cookie backend; the auth cookie (`name=value`) and any refresh cookie. */
export async function cookieLogin(
  app: SessionsApp,
  email: string,
): Promise<{ cookie: string; setCookies: string[] }> {
  const response = await app.request('POST', '/auth/cookie/login', {
    form: { username: email, password: PASSWORD },
  });
  if (response.status !== 204) throw new Error(`login answered ${response.status}`);
  const setCookies = response.headers.getSetCookie();
  const cookie = setCookies[0]?.split(';')[0] ?? '';
  return { cookie, setCookies };
}

export const bearer = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});
