import { ObjectId, UUID } from 'mongodb';
import { describe, expect, test } from 'vitest';
import { MemoryDb } from './memory-db';

// The in-memory collection stands in for a server in CI; these tests pin down the server
// behaviour it claims, so a store test passing on it means something.
describe('MemoryDb (test stand-in for a MongoDB server)', () => {
  test('a strength-2 unique index refuses case variants, not accent variants', async () => {
    const users = new MemoryDb().collection('User');
    await users.createIndex(
      { email: 1 },
      { name: 'ci', unique: true, collation: { locale: 'en', strength: 2 } },
    );
    await users.insertOne({ email: 'Дмитрий@camelot.bt' });
    await users.insertOne({ email: 'jose@camelot.bt' });
    await users.insertOne({ email: 'josé@camelot.bt' });
    await expect(users.insertOne({ email: 'ДМИТРИЙ@CAMELOT.BT' })).rejects.toMatchObject({
      name: 'MongoServerError',
      code: 11000,
      keyPattern: { email: 1 },
    });
    expect(users.documents).toHaveLength(3);
  });

  test('lookups compare under the collation only when one is given', async () => {
    const users = new MemoryDb().collection('User');
    await users.insertOne({ email: 'King.Arthur@camelot.bt' });
    const collation = { locale: 'en', strength: 2 };
    expect(
      await users.findOne({ email: { $eq: 'king.arthur@CAMELOT.bt' } }, { collation }),
    ).not.toBeNull();
    expect(await users.findOne({ email: { $eq: 'king.arthur@camelot.bt' } })).toBeNull();
    expect(
      await users.findOne({ email: { $eq: 'kíng.arthur@camelot.bt' } }, { collation }),
    ).toBeNull();
  });

  test('values shaped like operators are compared as values under $eq', async () => {
    const users = new MemoryDb().collection('User');
    await users.insertOne({ email: 'arthur@camelot.bt' });
    expect(await users.findOne({ email: { $eq: { $ne: null } } })).toBeNull();
    // Control: as a bare filter value the same object is an operator and matches.
    expect(await users.findOne({ email: { $ne: null } })).not.toBeNull();
  });

  test('$elemMatch requires one element to match both fields; dotted paths do not', async () => {
    const users = new MemoryDb().collection('User');
    await users.insertOne({
      oauth_accounts: [
        { oauth_name: 'google', account_id: '1' },
        { oauth_name: 'github', account_id: '2' },
      ],
    });
    const dotted = { 'oauth_accounts.oauth_name': 'google', 'oauth_accounts.account_id': '2' };
    const elemMatch = {
      oauth_accounts: { $elemMatch: { oauth_name: 'google', account_id: '2' } },
    };
    expect(await users.findOne(dotted)).not.toBeNull();
    expect(await users.findOne(elemMatch)).toBeNull();
  });

  test('stores BSON: ObjectId, UUID and Date come back as such, never aliased', async () => {
    const users = new MemoryDb().collection('User');
    const doc = { _id: new UUID(), at: new Date(5), nested: { id: new ObjectId() } };
    await users.insertOne(doc);
    doc.nested.id = new ObjectId();
    const stored = await users.findOne({ _id: { $eq: new UUID(doc._id.toHexString()) } });
    expect(stored?._id).toBeInstanceOf(UUID);
    expect(stored?.at).toEqual(new Date(5));
    expect(stored?.nested.id).toBeInstanceOf(ObjectId);
    expect(stored?.nested.id.equals(doc.nested.id)).toBe(false);
  });

  test('updates: positional $ on several fields, $push, $max, upsert', async () => {
    const users = new MemoryDb().collection('User');
    await users.insertOne({
      _id: 1,
      list: [
        { id: 'a', x: 1, y: 1 },
        { id: 'b', x: 2, y: 2 },
      ],
    });
    const after = await users.findOneAndUpdate(
      { _id: 1, 'list.id': 'b' },
      { $set: { 'list.$.x': 9, 'list.$.y': 8 }, $push: { tags: 't' } },
      { returnDocument: 'after' },
    );
    expect(after).toEqual({
      _id: 1,
      list: [
        { id: 'a', x: 1, y: 1 },
        { id: 'b', x: 9, y: 8 },
      ],
      tags: ['t'],
    });
    await users.updateOne({ _id: { $eq: 'k' } }, { $max: { at: new Date(5) } }, { upsert: true });
    await users.updateOne({ _id: { $eq: 'k' } }, { $max: { at: new Date(3) } }, { upsert: true });
    expect(await users.findOne({ _id: 'k' })).toEqual({ _id: 'k', at: new Date(5) });
  });

  test('createIndex is idempotent, refuses other options; collMod resizes TTL', async () => {
    const db = new MemoryDb();
    const tokens = db.collection('AccessToken');
    await tokens.createIndex({ created_at: 1 }, { name: 'ttl', expireAfterSeconds: 60 });
    await tokens.createIndex({ created_at: 1 }, { name: 'ttl', expireAfterSeconds: 60 });
    await expect(
      tokens.createIndex({ created_at: 1 }, { name: 'ttl', expireAfterSeconds: 30 }),
    ).rejects.toMatchObject({ code: 85 });
    await db.command({ collMod: 'AccessToken', index: { name: 'ttl', expireAfterSeconds: 30 } });
    expect(tokens.indexList.find((i) => i.name === 'ttl')?.expireAfterSeconds).toBe(30);
  });

  test('a TTL pass removes documents whose date is older than expireAfterSeconds', async () => {
    const tokens = new MemoryDb().collection('AccessToken');
    await tokens.createIndex({ created_at: 1 }, { name: 'ttl', expireAfterSeconds: 60 });
    const now = Date.now();
    await tokens.insertOne({ token: 'old', created_at: new Date(now - 61_000) });
    await tokens.insertOne({ token: 'young', created_at: new Date(now - 59_000) });
    await tokens.insertOne({ token: 'no-date', created_at: null });
    expect(tokens.expire(new Date(now))).toBe(1);
    expect(tokens.documents.map((d) => d.token).sort()).toEqual(['no-date', 'young']);
  });
});
