import type { User } from '../types';
import type { AuthenticationBackend } from './backend';
import type { Strategy } from './strategy';

/**
 * What `revokeAllForUser` did, by backend name.
 *
 * @example
 * ```ts
 * const result: RevokeAllResult = { revoked: ['cookie'], unsupported: ['jwt'] };
 * ```
 */
export interface RevokeAllResult {
  /** Backends whose strategy revoked every token of the user. */
  revoked: string[];
  /**
   * Backends whose strategy cannot revoke (a JWT strategy without a revocation store): their
   * tokens stay valid until they expire.
   */
  unsupported: string[];
}

/**
 * "Log out everywhere", behind `portcullis.revokeAllForUser(user)`: revokes every token of the
 * user on every backend that can — the database strategy deletes the user's rows, the Redis
 * strategy empties its per-user index, a JWT strategy with a revocation store records a
 * cut-off. Not in FastAPI Users (see docs/revocation.md). Call it after a password change or
 * when an account is compromised. A strategy shared
 * by several backends runs once. Backends that cannot revoke are reported, never skipped
 * silently.
 *
 * @throws whatever a strategy throws (`SERVICE_UNAVAILABLE` when its store is down); calling
 *   again is safe.
 * @example
 * ```ts
 * const { unsupported } = await portcullis.revokeAllForUser(user);
 * if (unsupported.length > 0) log.warn(`still valid until expiry: ${unsupported.join(', ')}`);
 * ```
 */
export async function revokeAllForUser<U extends User>(
  backends: readonly AuthenticationBackend<U>[],
  user: U,
): Promise<RevokeAllResult> {
  const result: RevokeAllResult = { revoked: [], unsupported: [] };
  const strategies = new Set<Strategy<U>>();
  for (const backend of backends) {
    if (backend.strategy.revokeAllForUser) {
      strategies.add(backend.strategy);
      result.revoked.push(backend.name);
    } else {
      result.unsupported.push(backend.name);
    }
  }
  await Promise.all([...strategies].map((strategy) => strategy.revokeAllForUser?.(user)));
  return result;
}
