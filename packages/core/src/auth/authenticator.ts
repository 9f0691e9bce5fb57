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
 * Resolves the current user from two headers, without building a Request: the hot path of
 * every guarded app route (see docs/contract/decisions.md#hot-path). Backends are tried in order; the first that yields a
 * user wins; an invalid token just moves on to the next backend (see docs/contract/routes.md#current-user).
 */
export async function resolveCurrentUser<U extends User>(
  backends: readonly AuthenticationBackend<U>[],
  users: UserLookup<U>,
  headers: CredentialHeaders,
  options: CurrentUserOptions,
): Promise<AuthResult<U>> {
  // The answer itself: built once, returned as is (no copy on the hot path).
  let found: { ok: true; user: U; token: string; backend: AuthenticationBackend<U> } | null = null;
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
  let status: 401 | 403 | null = null;
  if (!found || (options.active && !found.user.is_active)) status = 401;
  else if (
    (options.verified && !found.user.is_verified) ||
    (options.superuser && !found.user.is_superuser)
  ) {
    status = 403;
  }
  if (status === null && found) return found;
  if (options.optional) return { ok: true, user: null, token: null, backend: null };
  return { ok: false, status: status ?? 401 };
}
