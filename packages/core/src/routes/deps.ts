import type { AbuseProtection } from '../abuse/protection';
import type { AuthSettle, CurrentUserOptions } from '../auth/authenticator';
import type { AuthenticationBackend } from '../auth/backend';
import type { UserLookup } from '../auth/strategy';
import type { CredentialHeaders } from '../auth/transport';
import { ErrorCode, isPortcullisError, PortcullisError } from '../errors';
import { type BodyLimits, readJsonBody } from '../http/body';
import type { PortcullisRequest } from '../http/request';
import { json } from '../http/response';
import type { Route } from '../http/route';
import type { Logger } from '../logger';
import type { UserManager } from '../manager';
import type { MfaGate } from '../mfa/gate';
import type { LazyUserSchemas } from '../schemas';
import { emailRequestBody } from '../schemas';
import type { ResolvedSessionRevocation } from '../sessions/revocation-policy';
import type { SessionRegistry } from '../sessions/session-registry';
import type { User } from '../types';
import { parseEmbeddedBody } from '../validation';

/** What every router factory is built from; resolved once by `createPortcullis`. */
export interface RouteDeps<U extends User = User> extends BodyLimits {
  readonly manager: UserManager<U>;
  readonly backends: readonly AuthenticationBackend<U>[];
  readonly schemas: LazyUserSchemas;
  /** The current user or a thrown 401/403, per FastAPI Users' rules (see docs/contract/routes.md#current-user). */
  requireUser(request: PortcullisRequest, options: CurrentUserOptions): Promise<RequiredUser<U>>;
  /**
   * `requireUser` and `answer` as one function of the request: the answer is made inside the
   * async function that authenticates, not in another around it
   * (docs/performance.md#fewer-steps-on-core-s-own-routes).
   */
  answerUser<R>(
    options: CurrentUserOptions,
    answer: (found: RequiredUser<U>) => R,
  ): (request: PortcullisRequest) => Promise<R>;
  /** A user as the read schema shows it (never the hash, never provider tokens). */
  serialize(user: U): Record<string, unknown>;
  /** Where unexpected errors and outages are reported (`createPortcullis({ logger })`). */
  readonly logger: Logger | undefined;
  /** Client addresses, login throttling and the per-address budget (`rateLimit`, `trustProxy`). */
  readonly abuse: AbuseProtection<U>;
  /** The second-factor gate (`createPortcullis({ mfa })`); null when MFA is not configured. */
  readonly mfa: MfaGate<U> | null;
  /** How strategies turn a token's subject back into a user. */
  readonly lookup: UserLookup<U>;
  /** Every backend's sessions, and ending them (docs/sessions.md). */
  readonly sessions: SessionRegistry<U>;
  /** Which events end sessions (`sessionRevocation`). */
  readonly revocation: ResolvedSessionRevocation;
}

/** A secured route's current user, with the token and backend that proved it. */
export interface RequiredUser<U extends User> {
  user: U;
  token: string;
  backend: AuthenticationBackend<U>;
}

/** The two headers a transport reads a token from. */
export function credentialsOf(request: PortcullisRequest): CredentialHeaders {
  return { authorization: request.header('authorization'), cookie: request.header('cookie') };
}

/**
 * How a secured route's authentication ends: `answer` of the user, or FastAPI Users' 401 (no
 * user, or an inactive one) or 403 (a requirement the user fails) thrown; an outage rethrown.
 */
export function requiredUserThen<U extends User, R>(
  answer: (found: RequiredUser<U>) => R,
): AuthSettle<U, R> {
  return {
    done(result) {
      if (!result.ok) {
        throw new PortcullisError(
          result.status === 401 ? ErrorCode.UNAUTHORIZED : ErrorCode.FORBIDDEN,
        );
      }
      if (result.user === null || result.token === null || result.backend === null) {
        throw new PortcullisError(ErrorCode.UNAUTHORIZED);
      }
      return answer({ user: result.user, token: result.token, backend: result.backend });
    },
    failed(error) {
      throw error;
    },
  };
}

/**
 * Re-labels an internal error with the wire code the route documents (e.g. INVALID_PASSWORD →
 * REGISTER_INVALID_PASSWORD), keeping the policy's reason; anything else is rethrown as is.
 */
export function relabel(error: unknown, map: Partial<Record<ErrorCode, ErrorCode>>): never {
  if (isPortcullisError(error)) {
    const code = map[error.code];
    if (code)
      throw new PortcullisError(code, error.message, { cause: error, reason: error.reason });
  }
  throw error;
}

export function notFound(): PortcullisError {
  return new PortcullisError(ErrorCode.NOT_FOUND, 'Not found');
}

/**
 * A route that takes `{"email"}` and always answers 202 `null`, whether or not the address
 * belongs to anyone, so it cannot be used to probe for accounts (see docs/contract/routes.md#reset-password-router, docs/contract/routes.md#verify-router). `act` runs
 * for an existing user; the listed error codes are swallowed.
 */
export function emailRequestRoute<U extends User>(
  deps: RouteDeps<U>,
  route: { path: string; name: string },
  act: (user: U, request: PortcullisRequest) => Promise<void>,
  silent: readonly ErrorCode[],
): Route {
  return {
    method: 'POST',
    path: route.path,
    name: route.name,
    doc: {
      body: { kind: 'json', schema: emailRequestBody, embedded: true, required: true },
      responses: [{ status: 202, description: 'Successful Response' }],
    },
    async handle({ request }) {
      const body = await readJsonBody(request, deps);
      const { email } = await parseEmbeddedBody(emailRequestBody, body);
      const user = await deps.manager.users.getByEmail(email);
      if (user) {
        try {
          await act(user, request);
        } catch (error) {
          if (!isPortcullisError(error) || !silent.includes(error.code)) throw error;
        }
      }
      return json(null, 202);
    },
  };
}
