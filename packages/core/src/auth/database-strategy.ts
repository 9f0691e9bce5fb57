import { PortcullisConfigError } from '../errors';
import { checkContract, checkLifetime } from '../internal/config-checks';
import { misconfiguredStrategy, problemOf } from '../internal/config-problem';
import { randomToken } from '../random';
import {
  sessionData,
  type TokenStorage,
  tokenKeyNow,
  tokenKeyOf,
  touchSession,
} from '../sessions/session-data';
import type { AccessTokenStore, SessionStore, User } from '../types';
import type { LoginContext, Strategy, UserLookup } from './strategy';

export interface DatabaseStrategyOptions {
  /**
   * Where logins are kept as sessions (docs/sessions.md). An `AccessTokenStore` still works
   * for now (no session records: nothing to list, tokens stored as given) and is deprecated.
   */
  store: SessionStore | AccessTokenStore;
  /** Seconds a token is accepted after its creation; null accepts it until logout. */
  lifetimeSeconds?: number | null;
  /**
   * How tokens are kept: `'hashed'` (default) stores the SHA-256 of each token, so a dump of
   * the store logs nobody in. `'plain'` stores the token itself, as FastAPI Users does: only
   * for a database shared with a running FastAPI Users app, since anyone who can read the
   * table can then log in as any user with a live token (docs/sessions.md).
   */
  tokenStorage?: TokenStorage;
}

/** The name an unbound strategy writes on its sessions (bound ones use their backend's name). */
const UNBOUND = 'database';

function isSessionStore(store: SessionStore | AccessTokenStore): store is SessionStore {
  return typeof (store as Partial<SessionStore>).getByTokenKey === 'function';
}

/**
 * Opaque random tokens, each the key of one session in a `SessionStore`; logout deletes the
 * session (docs/sessions.md). The store holds the SHA-256 of each
 * token unless `tokenStorage: 'plain'`.
 *
 * @example
 * ```ts
 * const strategy = createDatabaseStrategy({ store: sessions, lifetimeSeconds: 3600 });
 * ```
 */
export function createDatabaseStrategy<U extends User = User>(
  options: DatabaseStrategyOptions,
): Strategy<U> {
  // Reported by createPortcullis at start-up, with the option's full path.
  const problem = problemOf(() => {
    const store = options.store as SessionStore | AccessTokenStore | undefined;
    const legacy = store !== undefined && store !== null && !isSessionStore(store);
    checkContract('store', options.store, legacy ? 'AccessTokenStore' : 'SessionStore');
    checkLifetime('lifetimeSeconds', options.lifetimeSeconds, { null: true, undefined: true });
    const storage = options.tokenStorage;
    if (storage !== undefined && storage !== 'hashed' && storage !== 'plain') {
      throw new PortcullisConfigError('tokenStorage', `must be 'hashed' or 'plain'`);
    }
  });
  if (problem) return misconfiguredStrategy(problem);
  const { store } = options;
  if (!isSessionStore(store)) return accessTokenStrategy(store, options.lifetimeSeconds ?? null);
  return sessionStrategy(store, options.lifetimeSeconds ?? null, options.tokenStorage ?? 'hashed');
}

function sessionStrategy<U extends User>(
  store: SessionStore,
  lifetime: number | null,
  storage: TokenStorage,
  backend = UNBOUND,
): Strategy<U> {
  const maxAgeNow = () => (lifetime ? new Date(Date.now() - lifetime * 1000) : undefined);
  const find = (token: string) => {
    const maxAge = maxAgeNow();
    return tokenKeyOf(token, storage).then((key) => store.getByTokenKey(key, maxAge));
  };
  // One round trip per check when the store reads the session with its user (an SQL join;
  // docs/sessions-storage.md); nothing is cached either way.
  const withUser = store.getByTokenKeyWithUser?.bind(store);
  const readWithUser =
    withUser &&
    (async (tokenKey: string, maxAge: Date | undefined): Promise<U | null> => {
      const found = await withUser(tokenKey, maxAge);
      if (!found) return null;
      const touched = touchSession(store, found.session);
      if (touched !== null) await touched;
      // The store mapped the row as its user store does: the app's user type.
      return found.user as U;
    });
  const readThenLookup = async (token: string, users: UserLookup<U>): Promise<U | null> => {
    const session = await find(token);
    if (!session) return null;
    const touched = touchSession(store, session);
    if (touched !== null) await touched;
    return await users.findById(String(session.user_id));
  };
  return {
    sessions: store,
    forBackend: (name: string) => sessionStrategy<U>(store, lifetime, storage, name),
    // Not an async function: with Node's hash, the one async function on the way is the read
    // (docs/performance.md#fewer-steps-on-core-s-own-routes).
    readToken(token: string, users: UserLookup<U>): Promise<U | null> {
      if (!readWithUser) return readThenLookup(token, users);
      const maxAge = maxAgeNow();
      const tokenKey = tokenKeyNow(token, storage);
      return tokenKey !== null
        ? readWithUser(tokenKey, maxAge)
        : tokenKeyOf(token, storage).then((key) => readWithUser(key, maxAge));
    },
    async writeToken(user: U, context?: LoginContext): Promise<string> {
      const token = randomToken();
      const tokenKey = await tokenKeyOf(token, storage);
      await store.create(
        sessionData(user, context, {
          backend,
          lifetimeSeconds: lifetime,
          tokenKey,
          refreshGeneration: null,
        }),
      );
      return token;
    },
    async destroyToken(token: string): Promise<void> {
      const session = await find(token);
      if (session) await store.delete(session.id);
    },
    // Not upstream, which has no "revoke all" (docs/revocation.md): one delete by user id.
    async revokeAllForUser(user: U): Promise<void> {
      await store.deleteAllForUser(user.id);
    },
    async sessionIdOf(token: string): Promise<string | null> {
      return (await find(token))?.id ?? null;
    },
  };
}

/** The strategy over a deprecated `AccessTokenStore`: rows keyed by the token, no sessions. */
function accessTokenStrategy<U extends User>(
  store: AccessTokenStore,
  lifetime: number | null,
): Strategy<U> {
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
