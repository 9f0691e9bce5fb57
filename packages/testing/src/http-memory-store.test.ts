import { createSuiteAccessTokenStore, createSuiteUserStore } from './http-memory-store';
import { storeSuite } from './store-suite';

// The HTTP suite's in-memory stores stand in for a database in every adapter's suite: they keep
// the store contract (compare-and-set conditions included) the real stores are held to.
storeSuite({
  name: 'HTTP suite memory store',
  async create() {
    return { users: createSuiteUserStore(), accessTokens: createSuiteAccessTokenStore() };
  },
  skip: {
    'STORE-CASCADE-001':
      "the two suite stores are independent maps; a deleted user's tokens resolve to no user",
  },
});
