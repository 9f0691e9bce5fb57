import { sessionLifecycleSuite } from '@portcullis/testing';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import { createMemoryUserStore } from './memory-store';

// Core's memory store through the same end-to-end session cases as the SQL, MongoDB and Redis
// stores (concurrent refreshes, reuse after grace, revocation across instances).
sessionLifecycleSuite({
  name: 'core memory stores',
  create: async () => ({ sessions: createMemorySessionStore(), users: createMemoryUserStore() }),
});
