import { defineUserFields } from '@portcullis/core';
import { storeSuite } from '@portcullis/testing';
import type { Db } from 'mongodb';
import { afterAll } from 'vitest';
import { z } from 'zod';
import {
  createMongoAccessTokenStore,
  createMongoMfaStore,
  createMongoSessionStore,
  createMongoUserStore,
  ensureIndexes,
  type MongoStoreOptions,
} from '../src/index';
import { MONGODB_URL, openRealDb } from './helpers';
import { MemoryDb } from './memory-db';

const userFields = defineUserFields({
  first_name: z.string().nullable(),
  birthdate: z.date().nullable(),
});

const customFields = {
  create: { first_name: 'Arthur', birthdate: new Date('0500-01-01T00:00:00.000Z') },
  update: { first_name: 'Artorius' },
};

async function stores(db: Db, options: MongoStoreOptions = {}) {
  await ensureIndexes(db, { ...options, accessTokenLifetimeSeconds: 3600, mfa: true });
  return {
    users: createMongoUserStore(db, { ...options, userFields }),
    accessTokens: createMongoAccessTokenStore(db, options),
    mfa: createMongoMfaStore(db, options),
    sessions: createMongoSessionStore(db, options),
  };
}

// CI: the in-memory collection (mingo semantics, unique indexes with a strength-2 collation).
storeSuite({
  name: 'MongoDB (in-memory collection, ObjectId ids)',
  create: () => stores(new MemoryDb().asDb()),
  capabilities: { customFields, mfa: true, sessions: true },
});

storeSuite({
  name: 'MongoDB (in-memory collection, UUID ids)',
  create: () => stores(new MemoryDb().asDb(), { idType: 'uuid' }),
  capabilities: { customFields, mfa: true, sessions: true },
});

// A real server: only with TEST_MONGODB_URL (declared here, not decided inside a test).
if (MONGODB_URL) {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });
  storeSuite({
    name: `MongoDB server at TEST_MONGODB_URL`,
    async create() {
      const { db, close } = await openRealDb();
      closers.push(close);
      return stores(db);
    },
    capabilities: { customFields, mfa: true, sessions: true },
  });
}
