import { storeSuite } from '@portcullis/testing';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import type { SessionStore, UserStore } from '../src/types';
import { createMemoryAccessTokenStore, createMemoryUserStore } from './memory-store';

/**
 * The reference `getByTokenKeyWithUser` and `getByIdWithUser`: the two reads each stands for,
 * composed. The cases of the optional methods (STORE-SESSION-016…021) must pass on it, so they
 * ask nothing of a one-call store that the two-step path does not answer.
 */
function withUserRead(sessions: SessionStore, users: UserStore): SessionStore {
  return {
    ...sessions,
    async getByTokenKeyWithUser(tokenKey: string, maxAge?: Date) {
      const session = await sessions.getByTokenKey(tokenKey, maxAge);
      const user = session ? await users.get(session.user_id) : null;
      return session && user ? { session, user } : null;
    },
    async getByIdWithUser(id: string) {
      const session = await sessions.get(id);
      const user = session ? await users.get(session.user_id) : null;
      return session && user ? { session, user } : null;
    },
  };
}

storeSuite({
  name: 'core memory stores, two reads composed as getByTokenKeyWithUser and getByIdWithUser',
  async create() {
    const accessTokens = createMemoryAccessTokenStore();
    const users = createMemoryUserStore({ accessTokens });
    return { users, accessTokens, sessions: withUserRead(createMemorySessionStore(), users) };
  },
  capabilities: {
    sessionsWithUser: true,
    sessionsByIdWithUser: true,
    customFields: { create: { nickname: 'Sir Kay', karma: 3 }, update: { karma: 4 } },
  },
});
