import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  type LoginFailedEvent,
  type Mounts,
  type PasswordHasher,
  type ThrottledEvent,
} from '@portcullis/core';
import { createMemorySessionStore, createMemoryUserStore } from '@portcullis/core/adapter';
import type { HttpSuiteApp } from './http-app';
import { PASSWORD } from './http-case';
import { type HttpRequestInit, toRequestInit } from './http-client';

const SECRET = 'portcullis-http-suite-abuse-secret-0123456789';

/** The limits of the abuse app: the defaults, with a wait long enough never to end mid-case. */
export const ABUSE_LIMITS = {
  failuresBeforeDelay: 5,
  accountFailureLimit: 100,
  perAddressPerMinute: 60,
  initialDelaySeconds: 120,
} as const;

/** What an abuse case runs with. */
export interface AbuseCaseContext {
  /**
   * Sends a request as the client at `from`: the suite's proxy-aware app trusts loopback peers,
   * so the address travels in `X-Forwarded-For` as a load balancer would write it.
   */
  request(from: string, method: string, path: string, init?: HttpRequestInit): Promise<Response>;
  /** A password login through `/auth/{backend}/login` from `from`. */
  login(
    from: string,
    email: string,
    password: string,
    backend?: 'jwt' | 'cookie',
  ): Promise<Response>;
  /** Creates an active user with `PASSWORD`. */
  createUser(email: string): Promise<void>;
  /** A client address no other case uses. */
  address(): string;
  /** Password hashes and verifications run so far (argon2 calls). */
  hashes(): number;
  readonly failures: LoginFailedEvent[];
  readonly throttles: ThrottledEvent[];
}

export interface AbuseFixture {
  app(): HttpSuiteApp;
  context(url: string): AbuseCaseContext;
}

function countingHasher(inner: PasswordHasher, counter: { calls: number }): PasswordHasher {
  return {
    hash: (password) => {
      counter.calls += 1;
      return inner.hash(password);
    },
    verify: (password, hash) => {
      counter.calls += 1;
      return inner.verify(password, hash);
    },
    needsRehash: (hash) => inner.needsRehash(hash),
    generate: () => inner.generate(),
  };
}

/**
 * A Portcullis with login throttling and the per-address budget on (`ABUSE_LIMITS`), trusting
 * loopback proxies, with a hasher that counts its calls and hooks that keep the events.
 */
export function createAbuseFixture(): AbuseFixture {
  const counter = { calls: 0 };
  const failures: LoginFailedEvent[] = [];
  const throttles: ThrottledEvent[] = [];
  const users = createMemoryUserStore();
  const sessions = createMemorySessionStore();
  const portcullis = createPortcullis({
    userManager: {
      users,
      passwordHasher: countingHasher(
        createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
        counter,
      ),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      hooks: {
        onLoginFailed: (event) => {
          failures.push(event);
        },
        onThrottled: (event) => {
          throttles.push(event);
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
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: 3600 }),
        strategy: createDatabaseStrategy({ store: sessions, lifetimeSeconds: 3600 }),
      }),
    ],
    trustProxy: 'loopback',
    rateLimit: ABUSE_LIMITS,
  });
  const routes: Mounts = [
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/auth', portcullis.registerRouter()],
    ['/auth', portcullis.resetPasswordRouter()],
    ['/users', portcullis.usersRouter()],
  ];
  let next = 0;
  return {
    app: () => ({
      portcullis,
      routes,
      mountPath: '',
      parseBodies: false,
      guardedRoutes: [],
      passThroughPath: '/auth/app-route',
      passThroughBody: { route: 'app' },
      notFoundBody: { detail: 'Not Found' },
      userBody: (user) => (user ? portcullis.serialize(user) : null),
      errorResponse: () => ({ status: 500, body: { detail: 'app error' } }),
    }),
    context(url) {
      const request = (from: string, method: string, path: string, init: HttpRequestInit = {}) =>
        fetch(
          `${url}${path}`,
          toRequestInit(method, { ...init, headers: { ...init.headers, 'x-forwarded-for': from } }),
        );
      return {
        request,
        login: (from, email, password, backend = 'jwt') =>
          request(from, 'POST', `/auth/${backend}/login`, { form: { username: email, password } }),
        async createUser(email) {
          await portcullis.userManager.create({ email, password: PASSWORD, is_active: true });
        },
        address() {
          next += 1;
          // TEST-NET-3 (RFC 5737) and a documentation IPv6 prefix (RFC 3849), never routed.
          return next % 2 === 0
            ? `203.0.113.${next % 250}`
            : `2001:db8:${(Date.now() % 0xffff).toString(16)}:${next.toString(16)}::1`;
        },
        hashes: () => counter.calls,
        failures,
        throttles,
      };
    },
  };
}
