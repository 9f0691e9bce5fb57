import { createJwtStrategy, type User, type UserLookup } from '@portcullis/core';
import { createTokenId } from '@portcullis/core/adapter';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMongoRevocationStore, ensureIndexes } from '../src/index';
import { MemoryDb } from './memory-db';
import { targets } from './targets';

const SECRET = 'mongo-revocation-secret-mongo-revocation';

describe.each(targets)('MongoDB revocation store on the $name', (target) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await target.open());
    await ensureIndexes(db, { revocation: true });
  });
  afterAll(() => close());

  test('revokes a jti until its expiry; other jtis stay valid', async () => {
    const store = createMongoRevocationStore(db);
    const jti = createTokenId();
    await store.revoke(jti, new Date(Date.now() + 60_000));
    expect(await store.isRevoked(jti)).toBe(true);
    expect(await store.isRevoked(createTokenId())).toBe(false);
    await store.revoke(jti, new Date(Date.now() + 60_000));
    expect(await store.isRevoked(jti)).toBe(true);
  });

  test('ignores entries past their expiry, before the TTL monitor removes them', async () => {
    const store = createMongoRevocationStore(db);
    const jti = createTokenId();
    await store.revoke(jti, new Date(Date.now() + 300));
    await store.revokeAllForUser('expiring', new Date(), new Date(Date.now() + 300));
    expect(await store.isRevoked(jti)).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(await store.isRevoked(jti)).toBe(false);
    expect(await store.revokedBefore('expiring')).toBeNull();
  });

  test('keeps the latest cut-off and the latest expiry whatever order calls land in', async () => {
    const store = createMongoRevocationStore(db);
    const base = Date.now();
    const calls = Array.from({ length: 20 }, (_, i) => (i * 7) % 20);
    await Promise.all(
      calls.map((o) =>
        store.revokeAllForUser('racer', new Date(base + o), new Date(base + 60_000 + o)),
      ),
    );
    expect(await store.revokedBefore('racer')).toEqual(new Date(base + 19));
    await store.revokeAllForUser('racer', new Date(base - 5), new Date(base + 1000));
    expect(await store.revokedBefore('racer')).toEqual(new Date(base + 19));
    const doc = await db.collection('JwtRevocation').findOne({ _id: 'user:racer' } as never);
    expect(doc?.expires_at).toEqual(new Date(base + 60_019));
  });

  test('a cut-off without expiry is kept for good', async () => {
    const store = createMongoRevocationStore(db);
    const before = new Date(1_700_000_000_000);
    await store.revokeAllForUser('forever', before, null);
    expect(await store.revokedBefore('forever')).toEqual(before);
    expect(await store.revokedBefore('nobody')).toBeNull();
  });
});

describe('JWT logout on MongoDB', () => {
  test('logout and log out everywhere end JWT sessions across strategy instances', async () => {
    const db = new MemoryDb().asDb();
    const arthur: User = {
      id: '65f0c0ffee0000000000abcd',
      email: 'arthur@camelot.bt',
      hashed_password: 'x',
      is_active: true,
      is_superuser: false,
      is_verified: false,
    };
    const users: UserLookup = { findById: async (id) => (id === arthur.id ? arthur : null) };
    const make = () =>
      createJwtStrategy({
        secret: SECRET,
        lifetimeSeconds: 3600,
        revocation: createMongoRevocationStore(db),
      });
    const [one, two] = [make(), make()];
    const a = await one.writeToken(arthur);
    const b = await one.writeToken(arthur);
    await two.destroyToken(a, arthur);
    expect(await one.readToken(a, users)).toBeNull();
    expect(await one.readToken(b, users)).toBe(arthur);
    await two.revokeAllForUser?.(arthur);
    expect(await one.readToken(b, users)).toBeNull();
    expect(await one.readToken(await one.writeToken(arthur), users)).toBe(arthur);
  });
});
