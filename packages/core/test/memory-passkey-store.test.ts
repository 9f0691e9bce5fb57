import { passkeyStoreSuite } from '@portcullis/testing';
import { createMemoryPasskeyStore } from '../src/index';

let users = 0;

passkeyStoreSuite({
  name: 'memory',
  create: async () => ({
    store: createMemoryPasskeyStore(),
    newUserId: async () => `00000000-0000-4000-8000-${String(++users).padStart(12, '0')}`,
  }),
});
