import type { TrustProxy } from './abuse/client-address';
import { createAbuseProtection } from './abuse/protection';
import type { RateLimitOptions } from './abuse/rate-limit-options';
import {
  type AuthResult,
  authenticateThen,
  type CurrentUserGuard,
  type CurrentUserOptions,
  resolveCurrentUser,
} from './auth/authenticator';
import { type AuthenticationBackend, assertUniqueBackendNames } from './auth/backend';
import { GUARD_OUTCOME, guardSettle } from './auth/guard';
import { type RevokeAllResult, revokeAllForUser } from './auth/revoke-all';
import type { CredentialHeaders } from './auth/transport';
import { ErrorCode, isPortcullisError, PortcullisConfigError, PortcullisError } from './errors';
import { DEFAULT_BODY_LIMIT } from './http/body';
import {
  createHandler,
  type HandlerOptions,
  type Mounts,
  type PortcullisHandler,
} from './http/handler';
import type { PortcullisRequest } from './http/request';
import { DEFAULT_BODY_TIMEOUT_MS } from './http/request';
import type { Router } from './http/route';
import { checkPortcullisOptions } from './internal/check-options';
import { preloadZod } from './internal/lazy-schema';
import { logUnavailable, logUnexpected } from './internal/log-events';
import type { Logger } from './logger';
import { UserManager, type UserManagerOptions } from './manager';
import { createMfaGate, type MfaOptions } from './mfa/gate';
import { publicOAuthAccount } from './oauth/account-view';
import type { OAuthClient } from './oauth/client';
import type { Passkeys } from './passkeys/ceremonies';
import { type AuthRouterOptions, createAuthRouter } from './routes/auth-router';
import { credentialsOf, type RequiredUser, type RouteDeps, requiredUserThen } from './routes/deps';
import { createMfaRouter, type MfaRouterOptions } from './routes/mfa-router';
import {
  createOAuthAssociateRouter,
  type OAuthAssociateRouterOptions,
} from './routes/oauth-associate-router';
import { createOAuthRouter, type OAuthRouterOptions } from './routes/oauth-router';
import {
  createPasskeyLoginRouter,
  createPasskeyRegisterRouter,
  createUserPasskeysRouter,
} from './routes/passkey-router';
import { createRegisterRouter } from './routes/register-router';
import { createResetPasswordRouter } from './routes/reset-password-router';
import { createSessionsRouter, type SessionsRouterOptions } from './routes/sessions-router';
import { createUsersRouter, type UsersRouterOptions } from './routes/users-router';
import { createVerifyRouter } from './routes/verify-router';
import { createUserSchemas, loadUserSchemas, READ_FIELDS, type UserSchemas } from './schemas';
import {
  resolveSessionRevocation,
  type SessionRevocationOptions,
} from './sessions/revocation-policy';
import { createSessionRegistry } from './sessions/session-registry';
import type { User } from './types';
import type { UserFieldShape, UserFields, UserOfShape } from './user-fields';

export type { RevokeAllResult };

export interface PortcullisOptions<U extends User = User> {
  /** A manager, or the options to build one. */
  userManager: UserManager<U> | UserManagerOptions<U>;
  /**
   * Tried in this order when resolving the current user (see docs/contract/routes.md#current-user). A backend built without
   * the app's user type fits too: strategies hand back the user the store gave them.
   */
  backends: readonly (AuthenticationBackend<U> | AuthenticationBackend)[];
  /**
   * The app's own user fields (`defineUserFields`): validated on register and `PATCH`, shown
   * in responses and the OpenAPI document; the user type is inferred from them.
   */
  userFields?: UserFields;
  /** Largest accepted request body in bytes (413 beyond). Default 1 MiB. */
  bodyLimit?: number;
  /**
   * Milliseconds a request may take to deliver its body, from its arrival (408 beyond, and the
   * connection is closed). Default 30 000.
   */
  bodyTimeoutMs?: number;
  /**
   * Where unexpected errors (a 500) and outages are reported; pino-compatible (`pino()` fits
   * as is). Never receives a token, a password or a secret. Default: nothing is logged.
   */
  logger?: Logger;
  /**
   * Which proxies may tell who the client is through `X-Forwarded-For` (or `Forwarded`): a hop
   * count, `'loopback'`, or CIDR ranges. Default: none, the socket's peer is the client. See
   * docs/abuse-protection.md for nginx, HAProxy and cloud load balancers.
   */
  trustProxy?: TrustProxy;
  /**
   * Login throttling and per-address limits: on by default (they answer only under abuse, 429
   * with `Retry-After`); `false` turns them off. Counters live in memory unless `store` says
   * otherwise. See docs/abuse-protection.md.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Second factors (TOTP and recovery codes): where they live and the key that seals them.
   * With it, every login of a user with a second factor answers 400 `LOGIN_MFA_REQUIRED` and
   * completes at `{prefix}/login/mfa`. See docs/mfa.md.
   */
  mfa?: MfaOptions;
  /**
   * Which events end a user's sessions: a password reset, a password change (all but the
   * current session), a superuser's password change or deactivation, a deletion. All on by
   * default; see docs/sessions.md.
   */
  sessionRevocation?: SessionRevocationOptions;
}

export interface Portcullis<U extends User = User> {
  readonly userManager: UserManager<U>;
  readonly backends: readonly AuthenticationBackend<U>[];
  /**
   * The read, create and update zod schemas, extended with `userFields`. zod is loaded on first
   * use, so this resolves once it is (docs/performance.md#import-cost).
   */
  schemas(): Promise<UserSchemas>;
  /** `/login` and `/logout` for the named backend. */
  authRouter(backend: string, options?: AuthRouterOptions): Router;
  registerRouter(): Router;
  resetPasswordRouter(): Router;
  verifyRouter(): Router;
  usersRouter(options?: UsersRouterOptions): Router;
  /** TOTP enrolment for the current user (`/totp/setup|enable|disable`); needs the `mfa` option. */
  mfaRouter(options?: MfaRouterOptions): Router;
  /**
   * `/me/sessions` and `/{id}/sessions`: list and end sessions (docs/sessions.md). Mount it
   * where the users router is (`/users`).
   */
  sessionsRouter(options?: SessionsRouterOptions): Router;
  /** OAuth `/authorize` and `/callback` logging in through the named backend (see docs/contract/routes.md#oauth-callback). */
  oauthRouter(client: OAuthClient, backend: string, options: OAuthRouterOptions): Router;
  /** OAuth `/authorize` and `/callback` linking an account to the current user (see docs/contract/routes.md#oauth-associate). */
  oauthAssociateRouter(client: OAuthClient, options: OAuthAssociateRouterOptions): Router;
  /** Passkey registration: `/register/options` and `/register` (docs/mfa.md#passkeys). */
  passkeyRegisterRouter(passkeys: Passkeys): Router;
  /** The current user's passkeys: `/me/passkeys` and `/me/passkeys/{id}`, mounted at `/users`. */
  userPasskeysRouter(passkeys: Passkeys): Router;
  /** `/passkey/options` and `/passkey/login` logging in through the named backend. */
  passkeyLoginRouter(passkeys: Passkeys, backend: string): Router;
  /** A guard with FastAPI Users' 401/403 rules; create it once, call it per request. */
  currentUser(options?: CurrentUserOptions): CurrentUserGuard<U>;
  /** One-off header-level resolution (no Request is built). */
  authenticate(headers: CredentialHeaders, options?: CurrentUserOptions): Promise<AuthResult<U>>;
  /**
   * Mounts routers under prefixes into one handler: `fetch` for any Fetch-API host, and what
   * the Node adapters route through. Unexpected errors go to `logger` unless `onError` is given.
   */
  handler(mounts: Mounts, options?: HandlerOptions): PortcullisHandler;
  /** A user as responses show it. */
  serialize(user: U): Record<string, unknown>;
  /**
   * "Log out everywhere": revokes every token of the user on every backend whose strategy can
   * (database, Redis, JWT with a revocation store), and names those that cannot.
   */
  revokeAllForUser(user: U): Promise<RevokeAllResult>;
  /** The client's address of a request as `trustProxy` resolves it (null when unknown). */
  clientAddress(request: PortcullisRequest): string | null;
  /**
   * The `trustProxy` option as given (false when unset). The Express adapter reads it: when it
   * is set, core resolves forwarding itself and Express's own `trust proxy` is not used.
   */
  readonly trustProxy: TrustProxy | false;
}

/** Whether the read schema is the built-in one, field for field and in order. */
function isBuiltInReadSchema(fields: readonly string[]): boolean {
  return fields.length === READ_FIELDS.length && fields.every((f, i) => f === READ_FIELDS[i]);
}

/**
 * The built-in read schema's view of a user, each field named: the loop over the schema's
 * fields costs a keyed load and store per field at a site that sees every field
 * (docs/performance.md#fewer-steps-on-core-s-own-routes).
 */
function serializeBuiltIn(user: User): Record<string, unknown> {
  return {
    id: user.id ?? null,
    email: user.email ?? null,
    is_active: user.is_active ?? null,
    is_superuser: user.is_superuser ?? null,
    is_verified: user.is_verified ?? null,
  };
}

/**
 * Resolves and freezes the configuration once, and hands out routers and guards.
 *
 * @example
 * ```ts
 * const portcullis = createPortcullis({
 *   userManager: { users, resetPasswordToken: { secret }, verificationToken: { secret } },
 *   backends: [jwtBackend],
 * });
 * const handler = portcullis.handler([
 *   ['/auth/jwt', portcullis.authRouter('jwt')],
 *   ['/auth', portcullis.registerRouter()],
 *   ['/users', portcullis.usersRouter()],
 * ]);
 * ```
 */
export function createPortcullis<const S extends UserFieldShape>(
  options: PortcullisOptions<NoInfer<UserOfShape<S>>> & { userFields: UserFields<S> },
): Portcullis<UserOfShape<S>>;
export function createPortcullis<U extends User = User>(
  options: PortcullisOptions<U>,
): Portcullis<U>;
export function createPortcullis<U extends User = User>(
  options: PortcullisOptions<U>,
): Portcullis<U> {
  const built = options.userManager instanceof UserManager;
  checkPortcullisOptions(options as unknown as Record<string, unknown>, built);
  const manager =
    options.userManager instanceof UserManager
      ? options.userManager
      : new UserManager(options.userManager);
  // Strategies that keep sessions learn the name of the backend they serve (docs/sessions.md).
  // A backend typed for core's `User` returns whatever the lookup gives it, which is a U.
  const backends = Object.freeze(
    options.backends.map((backend) =>
      backend.strategy.forBackend
        ? Object.freeze({ ...backend, strategy: backend.strategy.forBackend(backend.name) })
        : backend,
    ),
  ) as readonly AuthenticationBackend<U>[];
  const revocation = resolveSessionRevocation(options.sessionRevocation);
  const logger = options.logger;
  assertUniqueBackendNames(backends);
  const schemas = createUserSchemas(options.userFields);
  const readFields = schemas.readFields;
  // zod loads while the app finishes starting, so the first request that validates finds it.
  preloadZod();
  const lookup = { findById: (id: string) => manager.findById(id) };
  const trustProxy = options.trustProxy ?? false;
  const abuse = createAbuseProtection({
    rateLimit: options.rateLimit,
    trustProxy,
    manager,
    logger,
  });

  const authenticate = (
    headers: CredentialHeaders,
    guard: CurrentUserOptions = {},
  ): Promise<AuthResult<U>> => resolveCurrentUser(backends, lookup, headers, guard);

  const serialize = isBuiltInReadSchema(readFields)
    ? serializeBuiltIn
    : (user: U): Record<string, unknown> => {
        const out: Record<string, unknown> = {};
        for (const field of readFields) out[field] = user[field] ?? null;
        // An app that adds `oauth_accounts` to its read schema still never shows provider tokens.
        if (Array.isArray(out.oauth_accounts)) {
          out.oauth_accounts = out.oauth_accounts.map(publicOAuthAccount);
        }
        return out;
      };

  const requiredUser = requiredUserThen<U, RequiredUser<U>>((found) => found);

  const mfa = options.mfa
    ? createMfaGate<U>(options.mfa, { manager, clientAddress: abuse.clientAddress })
    : null;

  const deps: RouteDeps<U> = Object.freeze({
    mfa,
    manager,
    backends,
    schemas,
    lookup,
    sessions: createSessionRegistry(backends, manager),
    revocation,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    logger,
    abuse,
    serialize,
    requireUser: (request: PortcullisRequest, guard: CurrentUserOptions) =>
      authenticateThen(backends, lookup, credentialsOf(request), guard, requiredUser),
    answerUser: <R>(guard: CurrentUserOptions, answer: (found: RequiredUser<U>) => R) => {
      const settle = requiredUserThen(answer);
      return (request: PortcullisRequest) =>
        authenticateThen(backends, lookup, credentialsOf(request), guard, settle);
    },
  });

  const backendNamed = (name: string): AuthenticationBackend<U> => {
    const backend = backends.find((b) => b.name === name);
    if (!backend) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `No authentication backend named "${name}"`,
      );
    }
    return backend;
  };

  return Object.freeze({
    userManager: manager,
    backends,
    schemas: () => loadUserSchemas(schemas),
    authRouter: (name: string, routerOptions?: AuthRouterOptions) =>
      createAuthRouter(deps, backendNamed(name), routerOptions),
    registerRouter: () => createRegisterRouter(deps),
    resetPasswordRouter: () => createResetPasswordRouter(deps),
    verifyRouter: () => createVerifyRouter(deps),
    usersRouter: (routerOptions?: UsersRouterOptions) => createUsersRouter(deps, routerOptions),
    mfaRouter(routerOptions?: MfaRouterOptions): Router {
      if (!mfa) {
        throw new PortcullisConfigError('mfa', 'is required for mfaRouter() (got undefined)');
      }
      return createMfaRouter(deps, mfa, routerOptions);
    },
    sessionsRouter: (routerOptions?: SessionsRouterOptions) =>
      createSessionsRouter(deps, routerOptions),
    oauthRouter: (client: OAuthClient, name: string, routerOptions: OAuthRouterOptions) =>
      createOAuthRouter(deps, client, backendNamed(name), routerOptions),
    oauthAssociateRouter: (client: OAuthClient, routerOptions: OAuthAssociateRouterOptions) =>
      createOAuthAssociateRouter(deps, client, routerOptions),
    passkeyRegisterRouter: (passkeys: Passkeys) => createPasskeyRegisterRouter(deps, passkeys),
    userPasskeysRouter: (passkeys: Passkeys) => createUserPasskeysRouter(deps, passkeys),
    passkeyLoginRouter: (passkeys: Passkeys, name: string) =>
      createPasskeyLoginRouter(deps, passkeys, backendNamed(name)),
    currentUser(guard: CurrentUserOptions = {}): CurrentUserGuard<U> {
      const frozen = Object.freeze({ ...guard });
      // Adapters answer a guard's 503 themselves; the operator hears of the outage here.
      const unavailable = (error: PortcullisError) => logUnavailable(logger, error, null);
      const check = (headers: CredentialHeaders) =>
        authenticate(headers, frozen).catch((error: unknown) => {
          if (isPortcullisError(error) && error.status === 503) unavailable(error);
          throw error;
        });
      // `resolveUser` runs this instead of mapping `check`'s answer: two promises fewer.
      const settle = guardSettle<U>(unavailable);
      const outcome = (headers: CredentialHeaders) =>
        authenticateThen(backends, lookup, headers, frozen, settle);
      return Object.assign(check, { options: frozen, [GUARD_OUTCOME]: outcome });
    },
    authenticate,
    revokeAllForUser: (user: U) => revokeAllForUser(backends, user),
    clientAddress: abuse.clientAddress,
    trustProxy,
    handler: (mounts: Mounts, handlerOptions?: HandlerOptions) =>
      createHandler(mounts, {
        admit: abuse.admit,
        onError: (error, request) => logUnexpected(logger, error, request),
        onUnavailable: (error, request) => logUnavailable(logger, error, request),
        ...handlerOptions,
      }),
    serialize,
  });
}
