import { type HttpRequestInit as ContractRequest, toRequestInit } from '@portcullis/testing';
import type { RateLimitOptions } from '../src/abuse/rate-limit-options';
import { createAuthBackend } from '../src/auth/backend';
import { createBearerTransport } from '../src/auth/bearer-transport';
import { createCookieTransport } from '../src/auth/cookie-transport';
import { createDatabaseStrategy } from '../src/auth/database-strategy';
import { createJwtStrategy } from '../src/auth/jwt-strategy';
import { InvalidPasswordError } from '../src/errors';
import type { UserManagerHooks } from '../src/hooks';
import type { Mounts, PortcullisHandler } from '../src/http/handler';
import type { MfaOptions } from '../src/mfa/gate';
import { createMemoryMfaStore } from '../src/mfa/memory-mfa-store';
import type { PasswordHasher } from '../src/password';
import { createPasswordHasher } from '../src/password';
import { createPortcullis, type Portcullis } from '../src/portcullis';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import type { MfaStore, SessionCreateData, SessionStore } from '../src/types';
import { createMemoryUserStore } from './memory-store';

export const SECRET = 'test-secret-test-secret-test-secret!';

export interface TestApp {
  portcullis: Portcullis;
  handler: PortcullisHandler;
  mounts: Mounts;
  users: ReturnType<typeof createMemoryUserStore>;
  hooks: Required<UserManagerHooks>;
  mail: { kind: 'verify' | 'reset'; email: string; token: string }[];
  /** Second-factor events, in order. */
  events: { name: string; event: unknown }[];
  /** The cookie backend's session store; `size()` counts the sessions ever written. */
  accessTokens: SessionStore & { size(): number };
  /** With `mfa: true`: the second-factor store (`/auth/mfa` is mounted). */
  mfaStore: MfaStore | null;
  /** Sends a request to the handler. */
  request(method: string, path: string, init?: ContractRequest): Promise<Response>;
}

/** A cheap hasher for HTTP tests: argon2 with the smallest cost. */
export function fastHasher(): PasswordHasher {
  return createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
}

/**
 * The demo's layout (see docs/demo.md) over in-memory stores: `/auth/jwt`, `/auth/cookie`, `/auth`,
 * `/users`, with the demo's password policy.
 */
export function createTestApp(
  options: {
    requiresVerification?: boolean;
    mfa?: boolean;
    rateLimit?: RateLimitOptions;
    /** The MFA keys (default: `SECRET` alone). */
    mfaKeys?: Pick<MfaOptions, 'encryptionKey' | 'previousEncryptionKeys'>;
    /** Another app's user and MFA stores, so two configurations serve the same users. */
    sharing?: Pick<TestApp, 'users' | 'mfaStore'>;
  } = {},
): TestApp {
  const users = options.sharing?.users ?? createMemoryUserStore();
  let written = 0;
  const tokenStore = createMemorySessionStore();
  const create = tokenStore.create.bind(tokenStore);
  const accessTokens = Object.assign(tokenStore, {
    create: (data: SessionCreateData) => {
      written += 1;
      return create(data);
    },
    size: () => written,
  });
  const mfaStore = options.mfa ? (options.sharing?.mfaStore ?? createMemoryMfaStore()) : null;
  const mail: TestApp['mail'] = [];
  const events: TestApp['events'] = [];
  const calls = (): void => undefined;
  const hooks: Required<UserManagerHooks> = {
    onAfterRegister: calls,
    onAfterUpdate: calls,
    onAfterLogin: calls,
    onAfterRequestVerify: (user, token) => {
      mail.push({ kind: 'verify', email: user.email, token });
    },
    onAfterVerify: calls,
    onAfterForgotPassword: (user, token) => {
      mail.push({ kind: 'reset', email: user.email, token });
    },
    onAfterResetPassword: calls,
    onBeforeDelete: calls,
    onAfterDelete: calls,
    onLoginFailed: calls,
    onThrottled: calls,
    onRateLimitError: calls,
    onPasskeyAdded: calls,
    onPasskeyRemoved: calls,
    onMfaEnabled: (event) => {
      events.push({ name: 'onMfaEnabled', event });
    },
    onMfaDisabled: (event) => {
      events.push({ name: 'onMfaDisabled', event });
    },
    onMfaFailed: (event) => {
      events.push({ name: 'onMfaFailed', event });
    },
    onSessionRevoked: calls,
    onRefreshTokenReuse: calls,
  };
  const portcullis = createPortcullis({
    userManager: {
      users,
      passwordHasher: fastHasher(),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      validatePassword: (password, user) => {
        if (password.length < 8)
          throw new InvalidPasswordError('Password should be at least 8 characters');
        if (typeof user.email === 'string' && password.includes(user.email)) {
          throw new InvalidPasswordError('Password should not contain e-mail');
        }
      },
      hooks,
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: 3600 }),
        strategy: createDatabaseStrategy({
          store: accessTokens,
          lifetimeSeconds: 3600,
        }),
      }),
    ],
    ...(mfaStore
      ? { mfa: { store: mfaStore, ...(options.mfaKeys ?? { encryptionKey: SECRET }) } }
      : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  const verified = options.requiresVerification ?? false;
  const mounts: Mounts = [
    ['/auth/jwt', portcullis.authRouter('jwt', { requiresVerification: verified })],
    ['/auth/cookie', portcullis.authRouter('cookie', { requiresVerification: verified })],
    ['/auth', portcullis.registerRouter()],
    ['/auth', portcullis.resetPasswordRouter()],
    ['/auth', portcullis.verifyRouter()],
    ['/users', portcullis.usersRouter({ requiresVerification: verified })],
    ...(mfaStore ? ([['/auth/mfa', portcullis.mfaRouter()]] as Mounts) : []),
  ];
  const handler = portcullis.handler(mounts);
  return {
    portcullis,
    handler,
    mounts,
    users,
    hooks,
    mail,
    accessTokens,
    mfaStore,
    events,
    request: (method, path, init) =>
      handler.fetch(new Request(`http://app.test${path}`, toRequestInit(method, init))),
  };
}
