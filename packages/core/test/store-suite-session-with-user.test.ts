import { storeSuite } from '@portcullis/testing';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import { withJoinedReads } from './counted-sessions';
import { createMemoryAccessTokenStore, createMemoryUserStore } from './memory-store';

storeSuite({
  name: 'core memory stores, two reads composed as getByTokenKeyWithUser and getByIdWithUser',
  async create() {
    const accessTokens = createMemoryAccessTokenStore();
    const users = createMemoryUserStore({ accessTokens });
    return { users, accessTokens, sessions: withJoinedReads(createMemorySessionStore(), users) };
  },
  capabilities: {
    sessionsWithUser: true,
    sessionsByIdWithUser: true,
    customFields: { create: { nickname: 'Sir Kay', karma: 3 }, update: { karma: 4 } },
  },
});
