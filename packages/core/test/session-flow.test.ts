import { sessionFlowSuite } from '@portcullis/testing';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import { createMemoryUserStore } from './memory-store';

sessionFlowSuite({
  name: 'core memory stores',
  create: async () => ({ sessions: createMemorySessionStore(), users: createMemoryUserStore() }),
  skip: { 'SESSION-FLOW-004': 'the memory store has no dump: it holds the records themselves' },
});
