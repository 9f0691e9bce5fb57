import { sessionDumpSuite, sessionLifecycleSuite } from '@portcullis/testing';
import type { Db } from 'mongodb';
import { afterAll } from 'vitest';
import { createMongoSessionStore, createMongoUserStore, ensureIndexes } from '../src/index';
import { MONGODB_URL, openRealDb } from './helpers';
import { MemoryDb } from './memory-db';

async function stores(db: Db) {
  await ensureIndexes(db);
  return {
    users: createMongoUserStore(db),
    sessions: createMongoSessionStore(db),
    // Every document of the access-token collection, as a backup would hold it.
    dump: () => db.collection('AccessToken').find({}).toArray(),
  };
}

sessionDumpSuite({
  name: 'MongoDB (in-memory collection)',
  create: () => stores(new MemoryDb().asDb()),
});

sessionLifecycleSuite({
  name: 'MongoDB (in-memory collection)',
  create: () => stores(new MemoryDb().asDb()),
});

// A real server: only with TEST_MONGODB_URL (declared here, not decided inside a test).
if (MONGODB_URL) {
  const closers: (() => Promise<void>)[] = [];
  afterAll(() => Promise.all(closers.map((close) => close())));
  sessionDumpSuite({
    name: 'MongoDB server at TEST_MONGODB_URL',
    async create() {
      const { db, close } = await openRealDb();
      closers.push(close);
      return stores(db);
    },
  });
  sessionLifecycleSuite({
    name: 'MongoDB server at TEST_MONGODB_URL',
    async create() {
      const { db, close } = await openRealDb();
      closers.push(close);
      return stores(db);
    },
  });
}
