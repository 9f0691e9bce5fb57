import { checkContract, checkLifetime } from '../internal/config-checks';
import { misconfiguredStrategy, problemOf } from '../internal/config-problem';
import { randomToken } from '../random';
import type { AccessTokenStore, User } from '../types';
import type { Strategy, UserLookup } from './strategy';

export interface DatabaseStrategyOptions {
  store: AccessTokenStore;
  /** Seconds a token is accepted after its creation; null accepts it until logout. */
  lifetimeSeconds?: number | null;
}

/**
 * Opaque random tokens kept in an access-token store; logout deletes the row (see docs/contract/behaviour.md#database-strategy).
 *
 * @example
 * ```ts
 * const strategy = createDatabaseStrategy({ store: accessTokens, lifetimeSeconds: 3600 });
 * ```
 */
export function createDatabaseStrategy<U extends User = User>(
  options: DatabaseStrategyOptions,
): Strategy<U> {
  // Reported by createPortcullis at start-up, with the option's full path.
  const problem = problemOf(() => {
    checkContract('store', options.store, 'AccessTokenStore');
    checkLifetime('lifetimeSeconds', options.lifetimeSeconds, { null: true, undefined: true });
  });
  if (problem) return misconfiguredStrategy(problem);
  const { store } = options;
  const lifetime = options.lifetimeSeconds ?? null;
  return {
    async readToken(token: string, users: UserLookup<U>): Promise<U | null> {
      const maxAge = lifetime ? new Date(Date.now() - lifetime * 1000) : undefined;
      const record = await store.getByToken(token, maxAge);
      return record ? users.findById(String(record.user_id)) : null;
    },
    async writeToken(user: U): Promise<string> {
      const token = randomToken();
      await store.create({ token, user_id: user.id });
      return token;
    },
    async destroyToken(token: string): Promise<void> {
      await store.delete(token);
    },
    // Not upstream, which has no "revoke all" (docs/contract/behaviour.md#database-strategy): one DELETE by user id.
    async revokeAllForUser(user: U): Promise<void> {
      await store.deleteAllForUser(user.id);
    },
  };
}
