import type { User, UserLookup } from '@portcullis/core';
import { createJwtStrategy } from '@portcullis/core';
import { createTokenId } from '@portcullis/core/adapter';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateToLatest, planMigrations } from '../src/index';
import { createSqlRevocationStore, REVOCATION_TABLES } from '../src/revocation-store';
import { createTestDatabase, DIALECTS, type TestDatabase } from './databases';

const SECRET = 'sql-revocation-secret-sql-revocation-secret';

describe.each(DIALECTS)('SQL revocation store on %s', (dialect) => {
  let database: TestDatabase;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.open() as unknown as Kysely<unknown>;
    await migrateToLatest(db);
  });
  afterAll(() => database.drop());

  test('migration 0005 creates the two tables; a second run has nothing to do', async () => {
    const tables = (await db.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([REVOCATION_TABLES.token, REVOCATION_TABLES.user]),
    );
    expect((await planMigrations(db)).pending).toEqual([]);
  });

  test('revokes a jti until its expiry, twice harmlessly; other jtis stay valid', async () => {
    const store = createSqlRevocationStore(db);
    const jti = createTokenId();
    expect(await store.isRevoked(jti)).toBe(false);
    await store.revoke(jti, new Date(Date.now() + 60_000));
    await store.revoke(jti, new Date(Date.now() + 60_000));
    expect(await store.isRevoked(jti)).toBe(true);
    expect(await store.isRevoked(createTokenId())).toBe(false);
  });

  test('expired entries are ignored at once and removed by purgeExpired', async () => {
    const store = createSqlRevocationStore(db, { purgeIntervalSeconds: 0 });
    const jti = createTokenId();
    await store.revoke(jti, new Date(Date.now() + 400));
    await store.revokeAllForUser(`exp-${dialect}`, new Date(), new Date(Date.now() + 400));
    await store.revoke(createTokenId(), null);
    expect(await store.isRevoked(jti)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(await store.isRevoked(jti)).toBe(false);
    expect(await store.revokedBefore(`exp-${dialect}`)).toBeNull();
    expect(await store.purgeExpired()).toBeGreaterThanOrEqual(2);
    expect(await store.purgeExpired()).toBe(0);
  });

  test('writes purge expired entries on their own, at most once per interval', async () => {
    const table = db as Kysely<{ jwt_revocation: { jti: string; expires_at_ms: number } }>;
    const stale = () => createTokenId();
    const rows = async (jti: string) =>
      (await table.selectFrom('jwt_revocation').select('jti').where('jti', '=', jti).execute())
        .length;
    const [kept, purged] = [stale(), stale()];
    const expired = Date.now() - 1000;
    await table
      .insertInto('jwt_revocation')
      .values({ jti: kept, expires_at_ms: expired })
      .execute();
    // Control: with purging off, a write leaves the expired row alone.
    const manual = createSqlRevocationStore(db, { purgeIntervalSeconds: 0 });
    await new Promise((r) => setTimeout(r, 80));
    await manual.revoke(createTokenId(), new Date(Date.now() + 60_000));
    expect(await rows(kept)).toBe(1);
    const auto = createSqlRevocationStore(db, { purgeIntervalSeconds: 0.05 });
    await table
      .insertInto('jwt_revocation')
      .values({ jti: purged, expires_at_ms: expired })
      .execute();
    await new Promise((r) => setTimeout(r, 80));
    await auto.revoke(createTokenId(), new Date(Date.now() + 60_000));
    expect(await rows(purged)).toBe(0);
    expect(await rows(kept)).toBe(0);
  });

  test('keeps the latest cut-off under concurrent calls, with millisecond precision', async () => {
    const store = createSqlRevocationStore(db);
    const user = `racer-${dialect}`;
    const base = Date.now();
    const offsets = Array.from({ length: 12 }, (_, i) => (i * 5) % 12);
    await Promise.all(
      offsets.map((o) =>
        store.revokeAllForUser(user, new Date(base + o), new Date(base + 60_000 + o)),
      ),
    );
    expect(await store.revokedBefore(user)).toEqual(new Date(base + 11));
    await store.revokeAllForUser(user, new Date(base - 1000), new Date(base + 1000));
    expect(await store.revokedBefore(user)).toEqual(new Date(base + 11));
    expect(await store.revokedBefore(`nobody-${dialect}`)).toBeNull();
  });

  test('a cut-off without expiry stays, even when a later call has one', async () => {
    const store = createSqlRevocationStore(db, { purgeIntervalSeconds: 0 });
    const user = `forever-${dialect}`;
    await store.revokeAllForUser(user, new Date(1_700_000_000_000), null);
    await store.revokeAllForUser(user, new Date(1_700_000_000_500), new Date(Date.now() + 100));
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.revokedBefore(user)).toEqual(new Date(1_700_000_000_500));
  });

  test('JWT logout and log out everywhere, across strategy instances', async () => {
    const arthur: User = {
      id: `arthur-${dialect}`,
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
        revocation: createSqlRevocationStore(db),
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

test('refuses a negative purge interval', async () => {
  const database = await createTestDatabase('sqlite');
  try {
    const db = database.open();
    expect(() => createSqlRevocationStore(db, { purgeIntervalSeconds: -1 })).toThrow(
      /purgeIntervalSeconds/,
    );
  } finally {
    await database.drop();
  }
});
