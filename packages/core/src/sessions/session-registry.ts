import type { AuthenticationBackend } from '../auth/backend';
import { revokeAllForUser } from '../auth/revoke-all';
import type { Strategy } from '../auth/strategy';
import type { PortcullisRequest } from '../http/request';
import type { UserManager } from '../manager';
import type { SessionRecord, SessionStore, User } from '../types';
import type { SessionRevokedReason } from './events';

/** A session and the store it lives in. */
export interface StoredSession {
  session: SessionRecord;
  store: SessionStore;
}

/** The credential a request was authenticated with. */
export interface CurrentCredential<U extends User> {
  backend: AuthenticationBackend<U>;
  token: string;
}

/**
 * Every session store of the configured backends, seen as one: listing, finding and ending a
 * user's sessions, and the revocation rules' "all" and "all but this one" (docs/sessions.md).
 * Each ending fires `onSessionRevoked` with the ids that ended.
 */
export interface SessionRegistry<U extends User> {
  /** The user's live sessions on every store, newest first. */
  list(user: U): Promise<StoredSession[]>;
  /** The user's session with this id, or null (another user's counts as none). */
  find(user: U, id: string): Promise<StoredSession | null>;
  /** The id of the session the credential belongs to, or null (a stateless JWT, say). */
  currentId(current: CurrentCredential<U>): Promise<string | null>;
  /** Ends one session; false when it was already gone. */
  end(
    user: U,
    found: StoredSession,
    reason: SessionRevokedReason,
    request?: PortcullisRequest,
  ): Promise<boolean>;
  /** Ends every session and revocable token of the user on every backend. */
  endAll(user: U, reason: SessionRevokedReason, request?: PortcullisRequest): Promise<void>;
  /** Ends every session of the user but the current one (and revocable JWTs of other backends). */
  endOthers(
    user: U,
    current: CurrentCredential<U>,
    reason: SessionRevokedReason,
    request?: PortcullisRequest,
  ): Promise<void>;
}

export function createSessionRegistry<U extends User>(
  backends: readonly AuthenticationBackend<U>[],
  manager: UserManager<U>,
): SessionRegistry<U> {
  const stores = [
    ...new Set(backends.flatMap((b) => (b.strategy.sessions ? [b.strategy.sessions] : []))),
  ];

  const list = async (user: U): Promise<StoredSession[]> => {
    const found = await Promise.all(
      stores.map(async (store) =>
        (await store.listForUser(user.id)).map((session) => ({ session, store })),
      ),
    );
    return found
      .flat()
      .sort((a, b) => b.session.created_at.getTime() - a.session.created_at.getTime());
  };

  const currentId = async ({ backend, token }: CurrentCredential<U>): Promise<string | null> =>
    (await backend.strategy.sessionIdOf?.(token)) ?? null;

  const announce = async (
    user: U,
    ids: readonly string[],
    reason: SessionRevokedReason,
    request?: PortcullisRequest,
  ): Promise<void> => {
    if (ids.length === 0) return;
    await manager.onSessionRevoked({ userId: String(user.id), sessionIds: ids, reason }, request);
  };

  return {
    list,
    async find(user, id) {
      for (const store of stores) {
        const session = await store.get(id);
        if (session && String(session.user_id) === String(user.id)) return { session, store };
      }
      return null;
    },
    currentId,
    async end(user, { session, store }, reason, request) {
      const ended = await store.delete(session.id);
      if (ended) await announce(user, [session.id], reason, request);
      return ended;
    },
    async endAll(user, reason, request) {
      const ids = (await list(user)).map((s) => s.session.id);
      await revokeAllForUser(backends, user);
      await announce(user, ids, reason, request);
    },
    async endOthers(user, current, reason, request) {
      const keep = await currentId(current);
      const ids = (await list(user)).map((s) => s.session.id).filter((id) => id !== keep);
      await Promise.all(stores.map((store) => store.deleteAllForUser(user.id, keep ?? undefined)));
      // Strategies without sessions that can revoke (JWT with a revocation store, Redis): all
      // of their tokens go, unless the current credential is one of them (it cannot be spared).
      const others = new Set<Strategy<U>>();
      for (const backend of backends) {
        const { strategy } = backend;
        if (strategy.sessions || !strategy.revokeAllForUser) continue;
        if (strategy === current.backend.strategy) continue;
        others.add(strategy);
      }
      await Promise.all([...others].map((strategy) => strategy.revokeAllForUser?.(user)));
      await announce(user, ids, reason, request);
    },
  };
}
