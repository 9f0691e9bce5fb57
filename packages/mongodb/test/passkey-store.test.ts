import { passkeyStoreSuite } from '@portcullis/testing';
import type { Db } from 'mongodb';
import { afterAll, describe, expect, test } from 'vitest';
import { createMongoPasskeyStore, createMongoUserStore, ensureIndexes } from '../src/index';
import { MemoryDb } from './memory-db';
import { targets } from './targets';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2g';

for (const target of targets) {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });
  const open = async (): Promise<Db> => {
    const { db, close } = await target.open();
    closers.push(close);
    await ensureIndexes(db, { passkeys: true });
    return db;
  };
  let n = 0;
  passkeyStoreSuite({
    name: `MongoDB (${target.name})`,
    create: async () => {
      const db = await open();
      const users = createMongoUserStore(db);
      return {
        store: createMongoPasskeyStore(db),
        newUserId: async () =>
          (
            await users.create({
              email: `pk${++n}.${Date.now()}@camelot.bt`,
              hashed_password: HASH,
            })
          ).id,
      };
    },
  });
}

describe('ensureIndexes with passkeys', () => {
  test('builds a unique credential_id index, a user_id index and a TTL on challenges', async () => {
    const memory = new MemoryDb();
    await ensureIndexes(memory.asDb(), { passkeys: true });
    const passkeys = memory.collection('Passkey').indexList;
    expect(passkeys.find((i) => i.key.credential_id === 1)?.unique).toBe(true);
    expect(passkeys.some((i) => i.key.user_id === 1)).toBe(true);
    const challenges = memory.collection('PasskeyChallenge').indexList;
    expect(challenges.some((i) => i.key.expires_at === 1 && i.expireAfterSeconds === 0)).toBe(true);
  });
});
