import { ObjectId } from 'mongodb';
import { describe, expect, test } from 'vitest';
import { createMongoSessionStore, ensureIndexes } from '../src/index';
import { MemoryDb } from './memory-db';

const UPSTREAM_TOKEN = 'hU3n0JfYtQy9yWcQk7b2l1W2pXz0a5Ue8s7d6f5g4h3';

describe('sessions in a collection FastAPI Users shares (plain token storage)', () => {
  test('adopts a Beanie access token as a session with a derived id, stable across instances', async () => {
    const memory = new MemoryDb();
    const db = memory.asDb();
    await ensureIndexes(db);
    const owner = new ObjectId();
    const createdAt = new Date(Date.now() - 60_000);
    // What FastAPI Users' Beanie AccessToken inserts: three fields and an ObjectId _id.
    await db.collection('AccessToken').insertOne({
      token: UPSTREAM_TOKEN,
      user_id: owner,
      created_at: createdAt,
    });
    const sessions = createMongoSessionStore(db, { adoptedBackend: 'cookie' });
    const adopted = await sessions.getByTokenKey(UPSTREAM_TOKEN, new Date(Date.now() - 3_600_000));
    expect(adopted).toMatchObject({
      user_id: owner.toHexString(),
      backend: 'cookie',
      created_at: createdAt,
      last_used_at: createdAt,
      auth_time: createdAt,
      expires_at: null,
      mfa: false,
      token_key: UPSTREAM_TOKEN,
      refresh_generation: null,
    });
    expect(adopted?.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await createMongoSessionStore(db).get(adopted?.id ?? '')).toMatchObject({
      token_key: UPSTREAM_TOKEN,
    });
    // Beanie parses _id as an ObjectId: ours stay ObjectIds.
    const ours = await sessions.create({
      id: 'portcullis-1',
      user_id: owner.toHexString(),
      backend: 'cookie',
      expires_at: null,
      user_agent: null,
      ip: null,
      auth_time: new Date(),
      mfa: true,
      token_key: null,
      refresh_generation: 0,
    });
    const stored = memory.collection('AccessToken').documents;
    expect(stored.every((doc) => doc._id instanceof ObjectId)).toBe(true);
    // A session without a token key holds a placeholder no presented token can match.
    const placeholder = stored.find((doc) => doc.session_id === ours.id)?.token as string;
    expect(placeholder.startsWith('~')).toBe(true);
    expect(await sessions.getByTokenKey(placeholder)).toBeNull();
    expect((await sessions.listForUser(owner.toHexString())).map((s) => s.id)).toEqual([
      ours.id,
      adopted?.id,
    ]);
    // FastAPI Users' logout deletes by token: the session is gone here too.
    await db.collection('AccessToken').deleteOne({ token: UPSTREAM_TOKEN });
    expect(await sessions.get(adopted?.id ?? '')).toBeNull();
  });
});
