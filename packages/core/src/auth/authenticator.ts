import type { User } from '../types';
import type { AuthenticationBackend } from './backend';
import type { UserLookup } from './strategy';
import type { CredentialHeaders } from './transport';

/** Requirements of a guard, as FastAPI Users' `current_user(...)` (see docs/contract/routes.md#current-user). */
export interface CurrentUserOptions {
  /** Inactive users get 401. */
  active?: boolean;
  /** Unverified users get 403. */
  verified?: boolean;
  /** Non-superusers get 403. */
  superuser?: boolean;
  /** No user (or one that fails a requirement) yields null instead of an error. */
  optional?: boolean;
  /** Only these backends are tried (by name), still in configured order. */
  backends?: readonly string[];
}

/** A guard bound to its requirements: resolve it per request from two headers. */
export interface CurrentUserGuard<U extends User = User> {
  readonly options: Readonly<CurrentUserOptions>;
  (headers: CredentialHeaders): Promise<AuthResult<U>>;
}

/** The outcome of resolving the current user from request headers. */
export type AuthResult<U extends User = User> =
  | { ok: true; user: U; token: string; backend: AuthenticationBackend<U> }
  | { ok: true; user: null; token: null; backend: null }
  | { ok: false; status: 401 | 403 };

/**
 * How an authentication ends: the answer made of its result, or of the error a transport or
 * strategy threw (a store that is down). Lets a caller map the result inside the one async
 * function that awaits the strategy, instead of in another around it: each async layer costs
 * about a thousand instructions per guarded request (docs/performance.md).
 */
export interface AuthSettle<U extends User, R> {
  done(result: AuthResult<U>): R;
  failed(error: unknown): R;
}

const AS_IS: AuthSettle<User, AuthResult<User>> = {
  done: (result) => result,
  failed: (error) => {
    throw error;
  },
};

/**
 * Resolves the current user from two headers, without building a Request: the hot path of
 * every guarded app route (see docs/contract/decisions.md#hot-path). Backends are tried in order; the first that yields a
 * user wins; an invalid token just moves on to the next backend (see docs/contract/routes.md#current-user).
 */
export function resolveCurrentUser<U extends User>(
  backends: readonly AuthenticationBackend<U>[],
  users: UserLookup<U>,
  headers: CredentialHeaders,
  options: CurrentUserOptions,
): Promise<AuthResult<U>> {
  return authenticateThen(backends, users, headers, options, AS_IS as AuthSettle<U, AuthResult<U>>);
}

/** `resolveCurrentUser`, its result (or the error that stopped it) handed to `settle`. */
export async function authenticateThen<U extends User, R>(
  backends: readonly AuthenticationBackend<U>[],
  users: UserLookup<U>,
  headers: CredentialHeaders,
  options: CurrentUserOptions,
  settle: AuthSettle<U, R>,
): Promise<R> {
  // The answer itself: built once, returned as is (no copy on the hot path).
  let found: { ok: true; user: U; token: string; backend: AuthenticationBackend<U> } | null = null;
  try {
    for (const backend of backends) {
      if (options.backends && !options.backends.includes(backend.name)) continue;
      const token = backend.transport.readToken(headers);
      if (token === null) continue;
      const user = await backend.strategy.readToken(token, users);
      if (user) {
        found = { ok: true, user, token, backend };
        break;
      }
    }
  } catch (error) {
    return settle.failed(error);
  }
  let status: 401 | 403 | null = null;
  if (!found || (options.active && !found.user.is_active)) status = 401;
  else if (
    (options.verified && !found.user.is_verified) ||
    (options.superuser && !found.user.is_superuser)
  ) {
    status = 403;
  }
  if (status === null && found) return settle.done(found);
  if (options.optional) return settle.done({ ok: true, user: null, token: null, backend: null });
  return settle.done({ ok: false, status: status ?? 401 });
}
