import type { Db } from 'mongodb';
import { MONGODB_URL, openRealDb } from './helpers';
import { MemoryDb } from './memory-db';

/**
 * Where a test file runs: always on the in-memory collection, and on a real server too when
 * TEST_MONGODB_URL is set. Declared up front, so a skipped server is never decided in a test.
 */
export interface Target {
  name: string;
  open(): Promise<{ db: Db; close(): Promise<void> }>;
}

export const targets: Target[] = [
  {
    name: 'in-memory collection',
    open: async () => ({ db: new MemoryDb().asDb(), close: async () => undefined }),
  },
  ...(MONGODB_URL ? [{ name: 'server at TEST_MONGODB_URL', open: openRealDb }] : []),
];
