import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  InvalidPasswordError,
  type Mounts,
  type PasswordHasher,
} from '@portcullis/core';
import { createMemoryAccessTokenStore, createMemoryUserStore } from '@portcullis/core/adapter';

/** What differs between the runtimes serving the app. */
export interface RuntimeAppOptions {
  /** Which runtime serves the app, as the runtime itself reports it. */
  runtime: { name: string; version: string };
  /** Required on the test-only routes; generated per run by the test. */
  testKey: string;
  /** Omitted: core's default (argon2id through the native addon). */
  passwordHasher?: PasswordHasher;
  /**
   * The hasher `/__test/hash` and `/__test/verify` use; default: `passwordHasher`. Lets a test
   * check a hasher's production settings while the suite's users get a cheap one.
   */
  probeHasher?: PasswordHasher;
}

export interface RuntimeApp {
  fetch(request: Request): Promise<Response>;
}

const SECRET = 'portcullis-runtimes-secret-0123456789abcdef';
const LIFETIME_SECONDS = 3600;
const TEST_PREFIX = '/__test/';

interface Mail {
  kind: 'verify' | 'reset';
  email: string;
  token: string;
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/**
 * The app every runtime serves: Portcullis laid out as the demo (`/auth/jwt` bearer + JWT,
 * `/auth/cookie` cookie + database strategy, `/auth` register, reset and verify, `/users`) on
 * in-memory stores, answered by the Fetch handler alone, plus a few test-only routes under
 * `/__test/` that the contract suite needs (create a user directly, read the last mail) and that
 * report the runtime and the hasher in use.
 *
 * The test-only routes answer only requests carrying the key the test generated (`x-test-key`);
 * they exist in this app because the suite drives it from another process. Never copy them into
 * a real app.
 */
export function createRuntimeApp(options: RuntimeAppOptions): RuntimeApp {
  const mail: Mail[] = [];
  const portcullis = createPortcullis({
    userManager: {
      users: createMemoryUserStore(),
      passwordHasher: options.passwordHasher,
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      // The demo's policy, which the contract suite checks.
      validatePassword(password, user) {
        if (password.length < 8) {
          throw new InvalidPasswordError('Password should be at least 8 characters');
        }
        if (typeof user.email === 'string' && password.includes(user.email)) {
          throw new InvalidPasswordError('Password should not contain e-mail');
        }
      },
      hooks: {
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
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: LIFETIME_SECONDS }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: LIFETIME_SECONDS }),
        strategy: createDatabaseStrategy({
          store: createMemoryAccessTokenStore(),
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
  const hasher = options.probeHasher ?? portcullis.userManager.passwordHasher;

  async function testRoute(request: Request, url: URL): Promise<Response> {
    const route = `${request.method} ${url.pathname.slice(TEST_PREFIX.length)}`;
    if (route === 'GET runtime') return json(options.runtime);
    if (route === 'POST users') {
      const user = (await request.json()) as {
        email: string;
        password: string;
        superuser?: boolean;
        verified?: boolean;
        inactive?: boolean;
      };
      const created = await portcullis.userManager.create({
        email: user.email,
        password: user.password,
        is_superuser: user.superuser ?? false,
        is_verified: user.verified ?? false,
        is_active: !user.inactive,
      });
      return json({ id: String(created.id) }, 201);
    }
    if (route === 'GET mail') {
      const kind = url.searchParams.get('kind');
      const email = url.searchParams.get('email');
      const found = mail.filter((m) => m.kind === kind && m.email === email).pop();
      return found ? json({ token: found.token }) : json({ detail: 'no such mail' }, 404);
    }
    // Which hasher runs on this runtime, and whether its hashes verify elsewhere.
    if (route === 'POST hash') {
      const { password } = (await request.json()) as { password: string };
      return json({ hash: await hasher.hash(password) });
    }
    // Core's default hasher, whatever this app uses: where no native addon loads, its error.
    if (route === 'POST default-hash') {
      const { password } = (await request.json()) as { password: string };
      return json({ hash: await createPasswordHasher().hash(password) });
    }
    if (route === 'POST verify') {
      const { password, hash } = (await request.json()) as { password: string; hash: string };
      return json({ valid: await hasher.verify(password, hash) });
    }
    return json({ detail: 'Not Found' }, 404);
  }

  return {
    async fetch(request) {
      const url = new URL(request.url);
      if (!url.pathname.startsWith(TEST_PREFIX)) return handler.fetch(request);
      if (request.headers.get('x-test-key') !== options.testKey) {
        return json({ detail: 'Not Found' }, 404);
      }
      try {
        return await testRoute(request, url);
      } catch (error) {
        // Test-only: the test prints this, so a failing runtime says why.
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return json({ detail: message }, 500);
      }
    },
  };
}
