import {
  type CurrentUserOptions,
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createMemoryMfaStore,
  createPasswordHasher,
  createPortcullis,
  ErrorCode,
  InvalidPasswordError,
  type Mounts,
  type Portcullis,
  PortcullisError,
  type User,
  type UserStore,
} from '@portcullis/core';
import { createMemorySessionStore, createMemoryUserStore } from '@portcullis/core/adapter';
import type { HttpContractTarget } from './http-case';

/**
 * The app an adapter builds around Portcullis for the suite: what to mount, where, and the few
 * routes of its own the suite calls. Every body and status is given here, so the only thing an
 * adapter's `start` decides is how its framework wires them.
 */
export interface HttpSuiteApp {
  /** The Portcullis instance to mount (in-memory stores, the demo's password policy). */
  readonly portcullis: Portcullis;
  /** Routers and prefixes to mount, as the adapter's own options take them. */
  readonly routes: Mounts;
  /** Mount Portcullis below this path with the framework's own mechanism; `''` is the root. */
  readonly mountPath: string;
  /** Install the framework's usual JSON and urlencoded body parsers before Portcullis. */
  readonly parseBodies: boolean;
  /**
   * GET routes of the app, each behind the adapter's `requireUser(portcullis, options)`; they
   * answer 200 with `userBody(<the user the adapter set>)`.
   */
  readonly guardedRoutes: readonly { path: string; options: CurrentUserOptions }[];
  /** A GET route of the app below a Portcullis prefix, added after Portcullis. */
  readonly passThroughPath: string;
  /** What the pass-through route answers, with 200. */
  readonly passThroughBody: unknown;
  /** What the app answers any other path with, with 404 (FastAPI's body). */
  readonly notFoundBody: unknown;
  userBody(user: User | null | undefined): unknown;
  /** The app's error handler: answer the status and body this returns. */
  errorResponse(error: unknown): { status: number; body: unknown };
}

/** A running app: where it listens, and how to stop it. */
export interface HttpSuiteServer {
  /** Base URL, e.g. `http://127.0.0.1:4312`. */
  url: string;
  close(): Promise<void>;
}

const SECRET = 'portcullis-http-suite-secret-0123456789';

/** Emails with these tags make the suite's hooks act (see `http-cases-adapter.ts`). */
export const TAG = {
  extraCookies: 'twocookies',
  hookError: 'hookerror',
  outage: 'outage',
} as const;

/** Cookies the login hook adds for `twocookies.` users; the second has a comma in `Expires`. */
export const EXTRA_COOKIES = [
  'portcullis_suite=one; Path=/; SameSite=strict',
  'portcullis_suite_late=two; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly; Path=/',
] as const;

export const HOOK_ERROR_MESSAGE = 'the suite hook failed on purpose';

/** The body the suite's error handler answers with. */
export const APP_ERROR_BODY = { detail: 'handled by the app error handler' } as const;

const tagged = (user: User, tag: string): boolean => user.email.startsWith(`${tag}.`);

/**
 * The suite's user store, where users tagged `outage.` stand for a database that stopped
 * answering: reading them by id fails as a store outage does (SERVICE_UNAVAILABLE), so a token
 * of theirs takes the guard and the routes down the 503 path.
 */
function createFixtureUserStore(): UserStore {
  const store = createMemoryUserStore();
  return {
    ...store,
    async get(id) {
      const user = await store.get(id);
      if (user && tagged(user, TAG.outage)) {
        throw new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, 'The user store is unavailable');
      }
      return user;
    },
  };
}

function statusOf(error: unknown): number {
  if (typeof error !== 'object' || error === null) return 500;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : 500;
}

export interface SuiteFixture {
  readonly portcullis: Portcullis;
  readonly routes: Mounts;
  /** The contract target of an app this fixture serves at `url`. */
  target(url: string): HttpContractTarget;
  /** The app description handed to an adapter's `start`. */
  app(variant: { mountPath: string; parseBodies: boolean }): HttpSuiteApp;
}

/**
 * The suite's Portcullis, laid out as the demo: `/auth/jwt` (bearer + JWT), `/auth/session`
 * (bearer + JWT with sessions and refresh tokens), `/auth/cookie` (cookie + database strategy),
 * `/auth/refreshcookie` (cookie + refresh tokens), `/auth` (register, reset, verify), `/users`
 * (users and sessions),
 * `/auth/mfa` (TOTP enrolment; logins answer LOGIN_MFA_REQUIRED for a TOTP user),
 * with the demo's password policy, a cheap hasher and mails kept in memory.
 */
export function createSuiteFixture(): SuiteFixture {
  const mail: { kind: 'verify' | 'reset'; email: string; token: string }[] = [];
  const users = createFixtureUserStore();
  // One store for every session backend, as the demo keeps them (docs/sessions.md).
  const sessions = createMemorySessionStore();
  const refresh = { lifetimeSeconds: 86_400, reuseGraceSeconds: 10 };
  const portcullis = createPortcullis({
    // The suite sends hundreds of logins and registrations from one address within a minute;
    // throttling has its own app and cases (http-cases-abuse.ts).
    rateLimit: false,
    // Second factors for the HTTP-MFA cases; users without one log in as before.
    mfa: { store: createMemoryMfaStore(), encryptionKey: SECRET },
    userManager: {
      users,
      // The smallest argon2id cost: the suite measures behaviour, not hashing.
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      validatePassword(password, user) {
        if (password.length < 8)
          throw new InvalidPasswordError('Password should be at least 8 characters');
        if (typeof user.email === 'string' && password.includes(user.email))
          throw new InvalidPasswordError('Password should not contain e-mail');
      },
      hooks: {
        onAfterRegister(user) {
          if (tagged(user, TAG.hookError)) throw new Error(HOOK_ERROR_MESSAGE);
        },
        onAfterLogin(user, _request, response) {
          if (!tagged(user, TAG.extraCookies)) return;
          for (const cookie of EXTRA_COOKIES) response?.headers.push(['set-cookie', cookie]);
        },
        onAfterRequestVerify(user, token) {
          mail.push({ kind: 'verify', email: user.email, token });
        },
        onAfterForgotPassword(user, token) {
          mail.push({ kind: 'reset', email: user.email, token });
        },
      },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
      }),
      createAuthBackend({
        name: 'session',
        transport: createBearerTransport({ tokenUrl: 'auth/session/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 900, sessions, refresh }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: 3600 }),
        strategy: createDatabaseStrategy({ store: sessions, lifetimeSeconds: 3600 }),
      }),
      // A cookie backend with refresh tokens: two cookies per login (http-cases-sessions.ts).
      createAuthBackend({
        name: 'refreshcookie',
        transport: createCookieTransport({ cookieName: 'suiterefresh', cookieMaxAge: 900 }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 900, sessions, refresh }),
      }),
    ],
  });
  const routes: Mounts = [
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/session', portcullis.authRouter('session')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/auth/refreshcookie', portcullis.authRouter('refreshcookie')],
    ['/auth', portcullis.registerRouter()],
    ['/auth', portcullis.resetPasswordRouter()],
    ['/auth', portcullis.verifyRouter()],
    ['/users', portcullis.usersRouter()],
    ['/auth/mfa', portcullis.mfaRouter()],
    ['/users', portcullis.sessionsRouter()],
  ];
  return {
    portcullis,
    routes,
    target: (url) => ({
      url,
      async lastToken(kind, email) {
        const found = mail.filter((m) => m.kind === kind && m.email === email).pop();
        if (!found) throw new Error(`no ${kind} mail was sent to ${email}`);
        return found.token;
      },
      async createUser(user) {
        const created = await portcullis.userManager.create({
          email: user.email,
          password: user.password,
          is_superuser: user.superuser ?? false,
          is_verified: user.verified ?? false,
          is_active: !user.inactive,
        });
        return { id: String(created.id) };
      },
    }),
    app: ({ mountPath, parseBodies }) => ({
      portcullis,
      routes,
      mountPath,
      parseBodies,
      guardedRoutes: [
        { path: '/app/me', options: { active: true } },
        { path: '/app/admin', options: { active: true, superuser: true } },
      ],
      passThroughPath: '/auth/app-route',
      passThroughBody: { route: 'app' },
      notFoundBody: { detail: 'Not Found' },
      userBody: (user) => (user ? portcullis.serialize(user) : null),
      errorResponse: (error) => ({ status: statusOf(error), body: APP_ERROR_BODY }),
    }),
  };
}
