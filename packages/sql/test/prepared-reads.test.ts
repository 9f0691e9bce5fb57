import { createHash } from 'node:crypto';
import type { User } from '@portcullis/core';
import { ErrorCode } from '@portcullis/core';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import {
  createSqlSessionStore,
  createSqlUserStore,
  migrateToLatest,
  openPostgres,
} from '../src/index';
import { readPostgresTimestamp } from '../src/internal/timestamp';
import { createTestDatabase, type TestDatabase } from './databases';

const TOKEN_KEY = createHash('sha256').update('prepared-reads-token').digest('hex');

/** The statements prepared on the connection the query runs on (a pool of one: the only one). */
async function preparedTexts(db: Kysely<PortcullisDatabase>): Promise<string[]> {
  const { rows } = await sql<{
    statement: string;
  }>`select statement from pg_prepared_statements where name like 'portcullis_read_%'`.execute(db);
  return rows.map((row) => row.statement);
}

describe('openPostgres: the per-request reads are prepared statements', () => {
  let database: TestDatabase;
  let setup: Kysely<PortcullisDatabase>;
  let userId: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    setup = database.open();
    await migrateToLatest(setup);
    const user = await createSqlUserStore(setup).create({
      email: 'prepared@example.com',
      hashed_password: 'x',
    });
    userId = String(user.id);
    const now = new Date();
    await createSqlSessionStore(setup).create({
      id: 'prepared-session',
      user_id: user.id,
      backend: 'cookie',
      created_at: now,
      expires_at: null,
      user_agent: null,
      ip: null,
      auth_time: now,
      mfa: false,
      token_key: TOKEN_KEY,
      refresh_generation: null,
    });
    await sql`alter table "user" add column seen_at timestamptz default '2026-12-05 14:06:10.468123+00'`.execute(
      setup,
    );
  });
  afterAll(() => database.drop());

  /**
   * The user's `seen_at`, an app's own `timestamptz` column (the session reads send their
   * timestamps as numbers), read by the setup connection: the driver's parser.
   */
  const seenAt = async (): Promise<number> => {
    const { rows } = await sql<{
      seen_at: Date;
    }>`select seen_at from "user" where id = ${userId}`.execute(setup);
    return (rows[0] as { seen_at: Date }).seen_at.getTime();
  };
  /** `seen_at` as the user store read it. */
  const seenBy = async (users: { get(id: string): Promise<User | null> }) =>
    ((await users.get(userId))?.seen_at as Date | undefined)?.getTime();

  /** The stores over a pool of one connection, so the catalog query sees what they prepared. */
  const storesOn = (preparedStatements?: boolean) => {
    const db = openPostgres(database.url, { poolSize: 1, preparedStatements });
    const users = createSqlUserStore(db, { customColumns: ['seen_at'] });
    return { db, users, sessions: createSqlSessionStore(db, { users }) };
  };

  test('a session check and a user read are prepared once and give the same answers', async () => {
    const { db, users, sessions } = storesOn();
    try {
      expect(await preparedTexts(db)).toEqual([]);
      for (let i = 0; i < 3; i++) {
        const found = await sessions.getByTokenKeyWithUser?.(TOKEN_KEY);
        expect(found?.user.email).toBe('prepared@example.com');
        expect(found?.session.id).toBe('prepared-session');
        expect((await users.get(userId))?.email).toBe('prepared@example.com');
      }
      expect(await sessions.getByTokenKeyWithUser?.('f'.repeat(64))).toBeNull();
      const texts = await preparedTexts(db);
      expect(texts).toHaveLength(2);
      expect(texts.some((text) => /inner join/.test(text))).toBe(true);
      expect(texts.some((text) => /^select \* from "user" where "id" = \$1$/.test(text))).toBe(
        true,
      );
    } finally {
      await db.destroy();
    }
  });

  test('the app’s own queries through the same instance are not prepared', async () => {
    const { db } = storesOn();
    try {
      await db.selectFrom('user').selectAll().where('email', '=', 'prepared@example.com').execute();
      await sql`select ${1}::int as one`.execute(db);
      expect(await preparedTexts(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  test('preparedStatements: false runs every read unnamed', async () => {
    const { db, users, sessions } = storesOn(false);
    try {
      expect((await sessions.getByTokenKeyWithUser?.(TOKEN_KEY))?.user.id).toBe(userId);
      expect((await users.get(userId))?.id).toBe(userId);
      expect(await preparedTexts(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  test('a read whose table changed shape under its prepared plan still answers', async () => {
    const { db, users } = storesOn();
    try {
      expect((await users.get(userId))?.email).toBe('prepared@example.com');
      expect(await preparedTexts(db)).toHaveLength(1);
      // `select *` now returns one more column: PostgreSQL refuses the cached plan (0A000).
      await sql`alter table "user" add column nickname text`.execute(setup);
      try {
        for (let i = 0; i < 2; i++) {
          expect((await users.get(userId))?.email).toBe('prepared@example.com');
        }
      } finally {
        await sql`alter table "user" drop column nickname`.execute(setup);
      }
      expect((await users.get(userId))?.email).toBe('prepared@example.com');
    } finally {
      await db.destroy();
    }
  });

  test('a read whose prepared statement the session lost runs again unnamed', async () => {
    const { db, users } = storesOn();
    try {
      expect((await users.get(userId))?.email).toBe('prepared@example.com');
      const { rows } = await sql<{
        name: string;
      }>`select name from pg_prepared_statements`.execute(db);
      // Named after the text, so that no two texts share a name in any process.
      expect(rows.map((row) => row.name)).toEqual([
        expect.stringMatching(/^portcullis_read_[0-9a-f]{32}$/),
      ]);
      // node-postgres still believes the statement is there: PostgreSQL answers 26000.
      await sql`deallocate all`.execute(db);
      for (let i = 0; i < 2; i++) {
        expect((await users.get(userId))?.email).toBe('prepared@example.com');
      }
      expect(await preparedTexts(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  test('timestamps read fast give the driver’s instants, in any time zone of the session', async () => {
    const driver = pg.types.getTypeParser(1184, 'text') as (text: string) => Date;
    const { db, users } = storesOn();
    try {
      const stored = await seenAt();
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Kiritimati']) {
        await sql`select set_config('TimeZone', ${zone}, false)`.execute(db);
        // What the server sends for instants across the years, as text, read both ways.
        const { rows } = await sql<{ text: string }>`
          select (timestamptz '1901-01-01 00:00:00.123456+00' + n * interval '1234567.891 seconds')::text as text
          from generate_series(0, 3000) as n`.execute(db);
        for (const { text } of rows) {
          expect(readPostgresTimestamp(text)?.getTime(), text).toBe(driver(text).getTime());
        }
        // And through a prepared read, on the same connection.
        expect(await seenBy(users)).toBe(stored);
      }
    } finally {
      await db.destroy();
    }
  });

  test('a session, sent as one JSON column, reads the same joined or alone, whatever the parsers', async () => {
    const key = createHash('sha256').update('json-session').digest('hex');
    const now = new Date();
    await createSqlSessionStore(setup).create({
      id: 'json-session',
      user_id: userId,
      backend: 'cookie',
      created_at: now,
      expires_at: new Date(now.getTime() + 3_600_000),
      user_agent: 'Mozilla/5.0 "quoted" \\ back\u0001slash ü 🚀',
      ip: '2001:db8::1',
      auth_time: now,
      mfa: true,
      token_key: key,
      refresh_generation: 7,
    });
    // Microseconds on both sides of a millisecond, and an instant before 1970.
    await sql`update accesstoken set created_at = '2026-12-05 14:06:10.467999+00',
      last_used_at = '2026-12-05 14:06:10.468000+00', auth_time = '1969-12-31 23:59:59.468123+00',
      refreshed_at = '2026-12-05 14:06:11.000001+00' where id = 'json-session'`.execute(setup);
    const { db, users, sessions } = storesOn();
    try {
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns']) {
        await sql`select set_config('TimeZone', ${zone}, false)`.execute(db);
        const both = await sessions.getByTokenKeyWithUser?.(key);
        expect(both?.session).toEqual(await sessions.getByTokenKey(key));
        expect(both?.user).toEqual(await users.get(userId));
        expect(both?.session).toMatchObject({
          id: 'json-session',
          user_id: userId,
          user_agent: 'Mozilla/5.0 "quoted" \\ back\u0001slash ü 🚀',
          ip: '2001:db8::1',
          mfa: true,
          refresh_generation: 7,
          token_key: key,
        });
        expect(both?.session.created_at.getTime()).toBe(Date.UTC(2026, 11, 5, 14, 6, 10, 467));
        expect(both?.session.last_used_at.getTime()).toBe(Date.UTC(2026, 11, 5, 14, 6, 10, 468));
        expect(both?.session.auth_time.getTime()).toBe(-532);
        expect(both?.session.refreshed_at?.getTime()).toBe(Date.UTC(2026, 11, 5, 14, 6, 11));
      }
      // The session's instants are the stored ones whatever timestamptz parser the app set.
      const seen = await seenAt();
      const original = pg.types.getTypeParser(1184, 'text') as (text: string) => Date;
      pg.types.setTypeParser(
        1184,
        'text',
        (text: string) => new Date(original(text).getTime() + 1),
      );
      try {
        const shifted = await sessions.getByTokenKeyWithUser?.(key);
        expect(shifted?.session.created_at.getTime()).toBe(Date.UTC(2026, 11, 5, 14, 6, 10, 467));
        expect(shifted?.session).toEqual(await sessions.getByTokenKey(key));
        expect((await sessions.get('json-session'))?.created_at.getTime()).toBe(
          Date.UTC(2026, 11, 5, 14, 6, 10, 467),
        );
        // The user's own timestamptz column does go through it.
        expect((shifted?.user.seen_at as Date | undefined)?.getTime()).toBe(seen + 1);
      } finally {
        pg.types.setTypeParser(1184, 'text', original);
      }
      // An app that keeps timestamptz as the server's text (a common setting) keeps its sessions.
      pg.types.setTypeParser(1184, 'text', (text: string) => text);
      try {
        const asText = await sessions.getByTokenKeyWithUser?.(key);
        expect(asText?.session.last_used_at.getTime()).toBe(Date.UTC(2026, 11, 5, 14, 6, 10, 468));
        expect(asText?.user.seen_at).toMatch(/^2026-12-05 /);
      } finally {
        pg.types.setTypeParser(1184, 'text', original);
      }
      // An infinite expiry is no instant: unreadable both ways, as before.
      await sql`update accesstoken set expires_at = 'infinity' where id = 'json-session'`.execute(
        setup,
      );
      expect(await sessions.getByTokenKeyWithUser?.(key)).toBeNull();
      expect(await sessions.getByTokenKey(key)).toBeNull();
    } finally {
      await db.destroy();
      await sql`delete from accesstoken where id = 'json-session'`.execute(setup);
    }
  });

  test('an app’s own timestamptz parser is kept for the prepared reads', async () => {
    const stored = await seenAt();
    const original = pg.types.getTypeParser(1184, 'text') as (text: string) => Date;
    // Not the driver's instants: the stores must not read past it.
    pg.types.setTypeParser(1184, 'text', (text: string) => new Date(original(text).getTime() + 1));
    const { db, users } = storesOn();
    try {
      expect(await seenBy(users)).toBe(stored + 1);
      expect(await preparedTexts(db)).toHaveLength(1);
    } finally {
      pg.types.setTypeParser(1184, 'text', original);
      await db.destroy();
    }
  });

  /** Counts the row descriptions node-postgres asks for while `work` runs. */
  const describesDuring = async (work: () => Promise<void>): Promise<number> => {
    const connection = pg.Connection.prototype as unknown as { describe(message: unknown): void };
    const original = connection.describe;
    let count = 0;
    connection.describe = function (this: unknown, message: unknown) {
      count++;
      return original.call(this, message);
    };
    try {
      await work();
    } finally {
      connection.describe = original;
    }
    return count;
  };

  test('a prepared read asks for its row description once per connection', async () => {
    const { db, users, sessions } = storesOn();
    try {
      const answers: unknown[] = [];
      const describes = await describesDuring(async () => {
        for (let i = 0; i < 4; i++) {
          answers.push(await sessions.getByTokenKeyWithUser?.(TOKEN_KEY));
          answers.push(await users.get(userId));
        }
      });
      // One for each of the two statements, on the first execution.
      expect(describes).toBe(2);
      // The rows read by the first description are the rows of the described execution.
      for (let i = 2; i < answers.length; i++) expect(answers[i]).toEqual(answers[i % 2]);
      const unprepared = storesOn(false);
      try {
        expect(answers[0]).toEqual(await unprepared.sessions.getByTokenKeyWithUser?.(TOKEN_KEY));
        expect(answers[1]).toEqual(await unprepared.users.get(userId));
      } finally {
        await unprepared.db.destroy();
      }
    } finally {
      await db.destroy();
    }
  });

  test('a table with a column named __proto__ keeps the driver’s own rows', async () => {
    await sql`alter table "user" add column "__proto__" text default 'not a prototype'`.execute(
      setup,
    );
    try {
      const { db, users } = storesOn();
      try {
        const describes = await describesDuring(async () => {
          for (let i = 0; i < 3; i++) {
            const user = await users.get(userId);
            expect(user?.email).toBe('prepared@example.com');
            expect(Object.getPrototypeOf(user)).toBe(Object.prototype);
          }
        });
        // Described every time: no shape is kept for it.
        expect(describes).toBe(3);
      } finally {
        await db.destroy();
      }
    } finally {
      await sql`alter table "user" drop column "__proto__"`.execute(setup);
    }
  });

  test('a type parser registered after the first read is used by the next', async () => {
    const stored = await seenAt();
    const original = pg.types.getTypeParser(1184, 'text') as (text: string) => Date;
    const { db, users } = storesOn();
    try {
      expect(await seenBy(users)).toBe(stored);
      pg.types.setTypeParser(
        1184,
        'text',
        (text: string) => new Date(original(text).getTime() + 1),
      );
      expect(await seenBy(users)).toBe(stored + 1);
    } finally {
      pg.types.setTypeParser(1184, 'text', original);
      await db.destroy();
    }
  });

  test('a parser that throws fails its read, and the connection goes on', async () => {
    const original = pg.types.getTypeParser(1184, 'text') as (text: string) => Date;
    const { db, users } = storesOn();
    try {
      expect((await users.get(userId))?.email).toBe('prepared@example.com');
      pg.types.setTypeParser(1184, 'text', () => {
        throw new Error('unreadable');
      });
      await expect(users.get(userId)).rejects.toThrow();
      pg.types.setTypeParser(1184, 'text', original);
      // The same (only) connection, still in step with the server.
      expect((await users.get(userId))?.email).toBe('prepared@example.com');
      expect(await preparedTexts(db)).toHaveLength(1);
    } finally {
      pg.types.setTypeParser(1184, 'text', original);
      await db.destroy();
    }
  });

  test('preparedStatements must be a boolean', () => {
    expect(() =>
      openPostgres(database.url, { preparedStatements: 'yes' as unknown as boolean }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.CONFIGURATION }));
    expect(() =>
      openPostgres(database.url, { preparedStatements: 'yes' as unknown as boolean }),
    ).toThrow(/preparedStatements must be true or false/);
  });
});
