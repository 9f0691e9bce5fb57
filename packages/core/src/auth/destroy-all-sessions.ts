import type { User } from '../types';
import type { AuthenticationBackend } from './backend';
import type { Strategy } from './strategy';

/**
 * What `destroyAllSessions` did, by backend name.
 *
 * @example
 * ```ts
 * const result: DestroyAllSessionsResult = { destroyed: ['cookie'], unsupported: ['jwt'] };
 * ```
 */
export interface DestroyAllSessionsResult {
  /** Backends whose strategy revoked every token of the user. */
  destroyed: string[];
  /**
   * Backends whose strategy cannot revoke (a JWT strategy without a revocation store): their
   * tokens stay valid until they expire.
   */
  unsupported: string[];
}

/**
 * "Log out everywhere": revokes every token of the user on every backend that can — the
 * database strategy deletes the user's rows, the Redis strategy empties its per-user index, a
 * JWT strategy with a revocation store records a cut-off. Not in FastAPI Users (spec §9.4,
 * §9.5). Call it after a password change or when an account is compromised. A strategy shared
 * by several backends runs once. Backends that cannot revoke are reported, never skipped
 * silently.
 *
 * @throws whatever a strategy throws (`SERVICE_UNAVAILABLE` when its store is down); calling
 *   again is safe.
 * @example
 * ```ts
 * const { unsupported } = await destroyAllSessions(portcullis.backends, user);
 * if (unsupported.length > 0) log.warn(`still valid until expiry: ${unsupported.join(', ')}`);
 * ```
 */
export async function destroyAllSessions<U extends User>(
  backends: readonly AuthenticationBackend<U>[],
  user: U,
): Promise<DestroyAllSessionsResult> {
  const result: DestroyAllSessionsResult = { destroyed: [], unsupported: [] };
  const strategies = new Set<Strategy<U>>();
  for (const backend of backends) {
    if (backend.strategy.destroyAllTokens) {
      strategies.add(backend.strategy);
      result.destroyed.push(backend.name);
    } else {
      result.unsupported.push(backend.name);
    }
  }
  await Promise.all([...strategies].map((strategy) => strategy.destroyAllTokens?.(user)));
  return result;
}
