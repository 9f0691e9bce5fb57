import { sessionStoreSuite } from '@portcullis/testing';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';

// Core's memory store keeps the same contract as the SQL, MongoDB and Redis stores.
sessionStoreSuite({ name: 'core memory store', create: async () => createMemorySessionStore() });
