import { ErrorCode } from '@portcullis/core';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import { createSqlAccessTokenStore, createSqlUserStore } from '../src/index';
import type { TestFiles } from './helpers';
import { createTestFiles, HASH } from './helpers';

let files: TestFiles;
let db: Kysely<PortcullisDatabase>;

beforeAll(async () => {
  files = await createTestFiles();
  ({ db } = await files.migrated());
});
afterAll(() => files.cleanup());

async function newUser(email: string) {
  return createSqlUserStore(db).create({ email, hashed_password: HASH });
}

describe('createSqlAccessTokenStore', () => {
  it('creates a token and reads it back with created_at as a Date', async () => {
    const tokens = createSqlAccessTokenStore(db);
    const user = await newUser('arthur@camelot.bt');
    const before = Date.now();
    const record = await tokens.create({ token: 'tok-1', user_id: user.id });
    expect(record.user_id).toBe(user.id);
    expect(record.created_at).toBeInstanceOf(Date);
    expect(record.created_at.getTime()).toBeGreaterThanOrEqual(before);
    expect(record.created_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await tokens.getByToken('tok-1')).toEqual(record);
    expect(await tokens.getByToken('tok-2')).toBeNull();
  });

  it('stores created_at as UTC text in SQLAlchemy layout', async () => {
    const tokens = createSqlAccessTokenStore(db);
    const user = await newUser('layout@camelot.bt');
    const record = await tokens.create({ token: 'tok-layout', user_id: user.id });
    const row = await db
      .selectFrom('accesstoken')
      .select('created_at')
      .where('token', '=', 'tok-layout')
      .executeTakeFirstOrThrow();
    const expected = record.created_at.toISOString().replace('T', ' ').replace('Z', '000');
    expect(row.created_at).toBe(expected);
  });

  it('filters by lifetime: created at or after maxAge', async () => {
    const tokens = createSqlAccessTokenStore(db);
    const user = await newUser('lifetime@camelot.bt');
    const record = await tokens.create({ token: 'tok-life', user_id: user.id });
    const at = record.created_at.getTime();
    expect(await tokens.getByToken('tok-life', new Date(at))).toEqual(record);
    expect(await tokens.getByToken('tok-life', new Date(at - 3_600_000))).toEqual(record);
    expect(await tokens.getByToken('tok-life', new Date(at + 1))).toBeNull();
    expect(await tokens.getByToken('tok-life', new Date(Number.NaN))).toBeNull();
  });

  it('expires a token created two hours ago for a one-hour lifetime', async () => {
    const tokens = createSqlAccessTokenStore(db);
    const user = await newUser('old@camelot.bt');
    await tokens.create({ token: 'tok-old', user_id: user.id });
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    const stamp = `${twoHoursAgo.toISOString().slice(0, 23).replace('T', ' ')}000`;
    await sql`update accesstoken set created_at = ${stamp} where token = 'tok-old'`.execute(db);
    expect(await tokens.getByToken('tok-old', new Date(Date.now() - 3_600_000))).toBeNull();
    expect((await tokens.getByToken('tok-old'))?.created_at).toEqual(twoHoursAgo);
  });

  it('reads rows written by FastAPI Users (microseconds, naive UTC)', async () => {
    const tokens = createSqlAccessTokenStore(db);
    const user = await newUser('legacy@camelot.bt');
    await sql`insert into accesstoken (token, created_at, user_id)
      values ('tok-legacy', '2024-03-15 12:05:57.105542', ${user.id})`.execute(db);
    const record = await tokens.getByToken('tok-legacy', new Date('2024-03-15T12:05:57.105Z'));
    expect(record?.created_at.toISOString()).toBe('2024-03-15T12:05:57.105Z');
    expect(await tokens.getByToken('tok-legacy', new Date('2024-03-15T12:05:57.106Z'))).toBeNull();
  });

  it('deletes a token once: the second delete reports false', async () => {
    const tokens = createSqlAccessTokenStore(db);
    const user = await newUser('logout@camelot.bt');
    await tokens.create({ token: 'tok-del', user_id: user.id });
    expect(await tokens.delete('tok-del')).toBe(true);
    expect(await tokens.delete('tok-del')).toBe(false);
    expect(await tokens.getByToken('tok-del')).toBeNull();
  });

  it('deletes all tokens of one user and counts them', async () => {
    const tokens = createSqlAccessTokenStore(db);
    const user = await newUser('everywhere@camelot.bt');
    const other = await newUser('elsewhere@camelot.bt');
    for (const token of ['ev-1', 'ev-2', 'ev-3']) await tokens.create({ token, user_id: user.id });
    await tokens.create({ token: 'else-1', user_id: other.id });
    expect(await tokens.deleteAllForUser(user.id)).toBe(3);
    expect(await tokens.deleteAllForUser(user.id)).toBe(0);
    expect(await tokens.getByToken('ev-2')).toBeNull();
    expect(await tokens.getByToken('else-1')).not.toBeNull();
    expect(await tokens.deleteAllForUser('not-an-id')).toBe(0);
  });

  it('refuses a token for a user that does not exist', async () => {
    const tokens = createSqlAccessTokenStore(db);
    await expect(
      tokens.create({ token: 'tok-ghost', user_id: crypto.randomUUID() }),
    ).rejects.toMatchObject({ code: ErrorCode.USER_NOT_EXISTS });
    await expect(tokens.create({ token: 'tok-junk', user_id: 'junk' })).rejects.toMatchObject({
      code: ErrorCode.USER_NOT_EXISTS,
    });
    expect(await tokens.getByToken('tok-ghost')).toBeNull();
  });
});
