import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPortcullis,
  docsHtml,
  type Logger,
  type Mounts,
  type OpenApiDocument,
  type Portcullis,
  type PortcullisHandler,
} from '@portcullis/core';
import { buildOpenApi } from '@portcullis/core/openapi';
import { createPasskeys } from '@portcullis/passkeys';
import { createRedisSessionStore } from '@portcullis/redis';
import { openDatabase } from './database';
import { createDemoLogger } from './hardening';
import { createMailer } from './mailer';
import { oidcMounts } from './oidc';
import { validatePassword } from './policy';
import { abuseOptions } from './rate-limit';
import { openRedis } from './redis';
import type { DemoSettings } from './settings';

const LIFETIME_SECONDS = 3600;

export interface Demo {
  portcullis: Portcullis;
  mounts: Mounts;
  handler: PortcullisHandler;
  /** The OpenAPI document, built once. */
  openapi: OpenApiDocument;
  /** The HTML of `/docs` (assets under `/docs/assets/`). */
  docsPage: string;
  /** Where Portcullis and the app report unexpected errors and outages (pino, stderr). */
  logger: Logger;
  close(): Promise<void>;
}

/**
 * The demo app (docs/demo.md), framework-free: every demo (Fastify, Express, Koa) mounts these
 * routers at these prefixes and serves `/openapi.json` and `/docs`.
 */
export async function createDemo(
  settings: DemoSettings,
  logger: Logger = createDemoLogger(),
): Promise<Demo> {
  const db = await openDatabase(settings.databaseUrl);
  // REDIS_URL: sessions live in Redis instead of the database (docs/demo.md).
  const redis = settings.redisUrl
    ? await openRedis(settings.redisUrl, (message) => {
        process.stderr.write(`warning: ${message}\n`);
      }).catch(async (error: unknown) => {
        await db.close();
        throw error;
      })
    : null;
  const send = createMailer(settings.outbox);
  // Cookie and session logins are sessions in one store: the database, or Redis with REDIS_URL.
  const sessions = redis ? createRedisSessionStore({ redis: redis.redis }) : db.sessions;
  const { accessTtl, refreshTtl, reuseGrace } = settings.session;
  const portcullis = createPortcullis({
    userManager: {
      users: db.users,
      resetPasswordToken: { secret: settings.secret },
      verificationToken: { secret: settings.secret },
      validatePassword,
      hooks: {
        onAfterForgotPassword: (user, token) => send('reset', user.email, token),
        onAfterRequestVerify: (user, token) => send('verify', user.email, token),
      },
    },
    // RATE_LIMIT, RATE_LIMIT_*, TRUST_PROXY (docs/demo.md).
    ...abuseOptions(settings.abuse, { redis: redis?.redis ?? null, sql: db.rateLimitStore }),
    // Tried in this order on every protected route: jwt, session, cookie (docs/demo.md).
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: settings.secret, lifetimeSeconds: LIFETIME_SECONDS }),
      }),
      // Bearer JWTs with `sid`, bound to this backend and to a live session, plus refresh tokens.
      createAuthBackend({
        name: 'session',
        transport: createBearerTransport({ tokenUrl: 'auth/session/login' }),
        strategy: createJwtStrategy({
          secret: settings.secret,
          lifetimeSeconds: accessTtl,
          sessions,
          refresh: { lifetimeSeconds: refreshTtl, reuseGraceSeconds: reuseGrace },
        }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({
          cookieMaxAge: LIFETIME_SECONDS,
          cookieSecure: settings.secureCookies,
        }),
        strategy: createDatabaseStrategy({ store: sessions, lifetimeSeconds: LIFETIME_SECONDS }),
      }),
    ],
    logger,
    // Second factors: TOTP and recovery codes (docs/mfa.md). MFA_ENCRYPTION_KEY or SECRET.
    mfa: { store: db.mfa, encryptionKey: settings.mfaEncryptionKey, issuer: 'Portcullis demo' },
  });
  // Passkeys: RP id and origin from PUBLIC_URL, else http://localhost:PORT (docs/demo.md).
  const passkeys = createPasskeys({
    origin: settings.passkeyOrigin,
    rpName: 'Portcullis demo',
    store: db.passkeys,
  });
  const mounts: Mounts = [
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/session', portcullis.authRouter('session')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    // `/passkey/options` and `/passkey/login` on every backend, each at its own prefix.
    ...portcullis.backends.map((backend): Mounts[number] => [
      `/auth/${backend.name}`,
      portcullis.passkeyLoginRouter(passkeys, backend.name),
    ]),
    ['/auth/passkey', portcullis.passkeyRegisterRouter(passkeys)],
    ['/users', portcullis.userPasskeysRouter(passkeys)],
    ['/auth', portcullis.registerRouter()],
    ['/auth', portcullis.resetPasswordRouter()],
    ['/auth', portcullis.verifyRouter()],
    ['/users', portcullis.usersRouter()],
    ['/auth/mfa', portcullis.mfaRouter()],
    ['/users', portcullis.sessionsRouter()],
    // `/auth/oidc` and `/auth/associate/oidc` when OIDC_* is set.
    ...oidcMounts(portcullis, settings),
  ];
  const handler = portcullis.handler(mounts);
  const openapi = buildOpenApi(handler.routes, portcullis.backends, {
    title: 'Portcullis demo',
    version: '0.0.0',
  });
  return {
    portcullis,
    mounts,
    handler,
    openapi,
    logger,
    docsPage: docsHtml({
      openapiUrl: '/openapi.json',
      assetsPath: '/docs/assets',
      title: 'Portcullis demo',
    }),
    close: async () => {
      await redis?.close();
      await db.close();
    },
  };
}
