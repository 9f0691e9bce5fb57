import Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { type Generated, Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { markPreparedRead } from './prepared-reads';
import { withStatementCache } from './statement-cache';

/** A real in-memory better-sqlite3 database that counts the statements it compiles. */
function countingDatabase() {
  const database = new Database(':memory:');
  const prepared: string[] = [];
  const counting: SqliteDatabase = {
    close: () => database.close(),
    prepare: (text) => {
      prepared.push(text);
      return database.prepare(text);
    },
  };
  database.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  return { database, counting, prepared };
}

let open: Database.Database[] = [];
afterEach(() => {
  for (const database of open) if (database.open) database.close();
  open = [];
});

function setup(capacity?: number) {
  const db = countingDatabase();
  open.push(db.database);
  return { ...db, cached: withStatementCache(db.counting, capacity) };
}

describe('withStatementCache', () => {
  it('compiles a data statement once and answers every use with current data', () => {
    const { cached, prepared } = setup();
    const insert = 'INSERT INTO item (name) VALUES (?)';
    const select = 'SELECT name FROM item WHERE id = ?';
    cached.prepare(insert).run(['first']);
    cached.prepare(insert).run(['second']);
    expect(cached.prepare(select).all([1])).toEqual([{ name: 'first' }]);
    expect(cached.prepare(select).all([2])).toEqual([{ name: 'second' }]);
    expect(cached.prepare(select).reader).toBe(true);
    expect(cached.prepare(insert).reader).toBe(false);
    expect(prepared).toEqual([insert, select]);
  });

  it('prepares schema changes and pragmas every time', () => {
    const { cached, prepared } = setup();
    cached.prepare('PRAGMA foreign_keys = ON').run([]);
    cached.prepare('PRAGMA foreign_keys = ON').run([]);
    cached.prepare('CREATE TABLE IF NOT EXISTS other (id INTEGER)').run([]);
    cached.prepare('CREATE TABLE IF NOT EXISTS other (id INTEGER)').run([]);
    expect(prepared).toHaveLength(4);
  });

  it('sees a column added after the statement was cached', () => {
    const { cached, database } = setup();
    const select = 'SELECT * FROM item';
    cached.prepare('INSERT INTO item (name) VALUES (?)').run(['a']);
    expect(cached.prepare(select).all([])).toEqual([{ id: 1, name: 'a' }]);
    database.exec("ALTER TABLE item ADD COLUMN colour TEXT NOT NULL DEFAULT 'red'");
    expect(cached.prepare(select).all([])).toEqual([{ id: 1, name: 'a', colour: 'red' }]);
  });

  it('runs a marked read naming its columns in array mode, rows still objects by name', () => {
    const { database } = setup();
    const toggled: string[] = [];
    const cached = withStatementCache({
      close: () => database.close(),
      prepare: (text) => {
        const statement = database.prepare(text);
        const raw = statement.raw.bind(statement);
        return Object.assign(statement, {
          raw: (on?: boolean) => {
            toggled.push(text);
            return raw(on);
          },
        });
      },
    });
    cached.prepare('INSERT INTO item (name) VALUES (?)').run(['a']);
    cached.prepare('INSERT INTO item (name) VALUES (?)').run(['b']);
    const select = 'SELECT id, name, id + 1 AS "next" FROM item WHERE id >= ? ORDER BY id';
    const unmarked = 'SELECT id, name FROM item WHERE id = ?';
    markPreparedRead(select);
    const rows = cached.prepare(select).all([1]);
    expect(rows).toEqual([
      { id: 1, name: 'a', next: 2 },
      { id: 2, name: 'b', next: 3 },
    ]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(cached.prepare(select).all([3])).toEqual([]);
    expect(cached.prepare(unmarked).all([2])).toEqual([{ id: 2, name: 'b' }]);
    expect(toggled).toEqual([select]);
  });

  it('leaves a marked read with `*` in object mode, so it sees a column added later', () => {
    const { cached, database } = setup();
    const select = 'SELECT * FROM item WHERE id = ?';
    markPreparedRead(select);
    cached.prepare('INSERT INTO item (name) VALUES (?)').run(['a']);
    expect(cached.prepare(select).all([1])).toEqual([{ id: 1, name: 'a' }]);
    database.exec("ALTER TABLE item ADD COLUMN colour TEXT NOT NULL DEFAULT 'red'");
    expect(cached.prepare(select).all([1])).toEqual([{ id: 1, name: 'a', colour: 'red' }]);
  });

  it('iterates on a statement of its own, so a cached one can run meanwhile', () => {
    const { cached } = setup();
    for (const name of ['a', 'b', 'c']) {
      cached.prepare('INSERT INTO item (name) VALUES (?)').run([name]);
    }
    const select = 'SELECT name FROM item ORDER BY id';
    const seen: unknown[] = [];
    for (const row of cached.prepare(select).iterate([])) {
      seen.push(row, cached.prepare(select).all([]).length);
    }
    expect(seen).toEqual([{ name: 'a' }, 3, { name: 'b' }, 3, { name: 'c' }, 3]);
  });

  it('keeps at most `capacity` statements, dropping the oldest', () => {
    const { cached, prepared } = setup(2);
    const q = (n: number) => `SELECT ${n} AS n`;
    for (const n of [1, 2, 3]) cached.prepare(q(n)).all([]);
    cached.prepare(q(3)).all([]);
    cached.prepare(q(2)).all([]);
    cached.prepare(q(1)).all([]);
    expect(prepared).toEqual([q(1), q(2), q(3), q(1)]);
  });

  it('does not keep a statement that failed to compile', () => {
    const { cached, prepared } = setup();
    const bad = 'SELECT nope FROM item';
    expect(() => cached.prepare(bad)).toThrow(/no such column/);
    expect(() => cached.prepare(bad)).toThrow(/no such column/);
    expect(prepared).toEqual([bad, bad]);
  });

  it('runs a Kysely query stream and transaction through the cache', async () => {
    const { cached, prepared } = setup();
    const db = new Kysely<{ item: { id: Generated<number>; name: string } }>({
      dialect: new SqliteDialect({ database: cached }),
    });
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ name: 'x' }).execute();
      await trx.insertInto('item').values({ name: 'y' }).execute();
    });
    const names: string[] = [];
    for await (const row of db.selectFrom('item').select('name').orderBy('id').stream()) {
      names.push(row.name);
    }
    expect(names).toEqual(['x', 'y']);
    expect(await sql<{ n: number }>`SELECT count(*) AS n FROM item`.execute(db)).toMatchObject({
      rows: [{ n: 2 }],
    });
    expect(prepared.filter((text) => text.startsWith('insert'))).toHaveLength(1);
    await db.destroy();
  });
});
