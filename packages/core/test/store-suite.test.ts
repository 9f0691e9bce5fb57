import { storeSuite } from '@portcullis/testing';
import { createMemoryMfaStore } from '../src/mfa/memory-mfa-store';
import { createMemoryAccessTokenStore, createMemoryUserStore } from './memory-store';

// The store suite against the in-memory stores core's tests use, so those stores keep the
// contract the real ones are held to.
storeSuite({
  name: 'core memory store',
  async create() {
    const accessTokens = createMemoryAccessTokenStore();
    return {
      users: createMemoryUserStore({ accessTokens }),
      accessTokens,
      mfa: createMemoryMfaStore(),
    };
  },
  capabilities: {
    customFields: { create: { nickname: 'Sir Kay', karma: 3 }, update: { karma: 4 } },
    mfa: true,
  },
});
