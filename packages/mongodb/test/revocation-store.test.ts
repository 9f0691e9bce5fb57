import { revocationStoreSuite } from '@portcullis/testing';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMongoRevocationStore, ensureIndexes } from '../src/index';
import { targets } from './targets';

describe.each(targets)('MongoDB revocation store on the $name', (target) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await target.open());
    await ensureIndexes(db, { revocation: true });
  });
  afterAll(() => close());

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
});

// The shared cases (jti, expiry, cut-offs, logouts across strategy instances) on every target.
for (const target of targets) {
  let opened: Promise<{ db: Db; close(): Promise<void> }> | undefined;
  afterAll(async () => (await opened)?.close());
  revocationStoreSuite({
    name: `MongoDB on the ${target.name}`,
    async create() {
      opened ??= target.open().then(async (o) => {
        await ensureIndexes(o.db, { revocation: true });
        return o;
      });
      return createMongoRevocationStore((await opened).db);
    },
  });
}
