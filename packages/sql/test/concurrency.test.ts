import { join } from 'node:path';
import { ErrorCode, isPortcullisError } from '@portcullis/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlAccessTokenStore, createSqlUserStore, migrateToLatest } from '../src/index';
import type { TestFiles } from './helpers';
import { createTestFiles, HASH } from './helpers';

// Two connections = two better-sqlite3 Database objects on one file, as a server and a CLI
// (or two workers) would have. Nothing is shared but the file.
let files: TestFiles;

beforeAll(async () => {
  files = await createTestFiles();
  await migrateToLatest(files.open('shared.db'));
});
afterAll(() => files.cleanup());

function twoConnections() {
  return [files.open('shared.db'), files.open('shared.db')] as const;
}

function codeOf(result: PromiseSettledResult<unknown>): string | undefined {
  if (result.status === 'fulfilled') return undefined;
  return isPortcullisError(result.reason) ? result.reason.code : String(result.reason);
}

describe('two connections to one SQLite file', () => {
  it('lets exactly one of two case-variant registrations win', async () => {
    const [a, b] = twoConnections();
    const results = await Promise.allSettled([
      createSqlUserStore(a).create({ email: 'race@x.io', hashed_password: HASH }),
      createSqlUserStore(b).create({ email: 'RACE@x.io', hashed_password: HASH }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.map(codeOf).filter(Boolean)).toEqual([ErrorCode.USER_ALREADY_EXISTS]);
    const rows = await a
      .selectFrom('user')
      .select('id')
      .where('email', 'in', ['race@x.io', 'RACE@x.io'])
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps one winner among many concurrent registrations of one address', async () => {
    const [a, b] = twoConnections();
    const storeA = createSqlUserStore(a);
    const storeB = createSqlUserStore(b);
    const variants = [
      'crowd@x.io',
      'Crowd@x.io',
      'CROWD@x.io',
      'crowd@X.io',
      'cRoWd@x.IO',
      'CROWD@X.IO',
    ];
    const results = await Promise.allSettled(
      variants.map((email, i) =>
        (i % 2 === 0 ? storeA : storeB).create({ email, hashed_password: HASH }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(new Set(results.map(codeOf).filter(Boolean))).toEqual(
      new Set([ErrorCode.USER_ALREADY_EXISTS]),
    );
  });

  it('gives one of two concurrent compare-and-set updates the win', async () => {
    const [a, b] = twoConnections();
    const user = await createSqlUserStore(a).create({ email: 'cas@x.io', hashed_password: 'old' });
    const results = await Promise.all([
      createSqlUserStore(a).update(user, { hashed_password: 'from-a' }, { hashedPassword: 'old' }),
      createSqlUserStore(b).update(user, { hashed_password: 'from-b' }, { hashedPassword: 'old' }),
    ]);
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    const stored = await createSqlUserStore(b).get(user.id);
    expect(stored?.hashed_password).toBe(winners[0]?.hashed_password);
  });

  it('reports true for exactly one of two concurrent deletes of a token', async () => {
    const [a, b] = twoConnections();
    const user = await createSqlUserStore(a).create({
      email: 'logout-race@x.io',
      hashed_password: HASH,
    });
    const tokensA = createSqlAccessTokenStore(a);
    const tokensB = createSqlAccessTokenStore(b);
    for (let round = 0; round < 5; round += 1) {
      const token = `race-token-${round}`;
      await tokensA.create({ token, user_id: user.id });
      const results = await Promise.all([tokensA.delete(token), tokensB.delete(token)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  it('sees on one connection what the other wrote', async () => {
    const [a, b] = twoConnections();
    const created = await createSqlUserStore(a).create({
      email: 'visible@x.io',
      hashed_password: HASH,
    });
    expect((await createSqlUserStore(b).getByEmail('VISIBLE@x.io'))?.id).toBe(created.id);
  });

  it('reports SERVICE_UNAVAILABLE when the file stays locked past busy_timeout', async () => {
    // A raw connection holds the write lock, as a long transaction in another process would.
    const locker = new Database(join(files.dir, 'shared.db'));
    locker.exec('BEGIN IMMEDIATE');
    try {
      const db = files.open('shared.db', { busyTimeout: 50 });
      const error = await createSqlUserStore(db)
        .create({ email: 'locked@x.io', hashed_password: HASH })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
      expect((error as Error).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
  });
});
