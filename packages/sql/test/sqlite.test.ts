import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '@portcullis/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureSqliteConnection,
  createSqlUserStore,
  migrateToLatest,
  openSqlite,
} from '../src/index';
import type { TestFiles } from './helpers';
import { createTestFiles } from './helpers';

let files: TestFiles;

beforeAll(async () => {
  files = await createTestFiles();
});
afterAll(() => files.cleanup());

describe('openSqlite', () => {
  it('creates the folder and the file, and sets WAL, busy_timeout and foreign_keys', async () => {
    const db = files.open(join('nested', 'deeper', 'app.db'), { busyTimeout: 1234 });
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db);
    const fks = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(journal.rows[0]?.journal_mode).toBe('wal');
    expect(timeout.rows[0]?.timeout).toBe(1234);
    expect(fks.rows[0]?.foreign_keys).toBe(1);
    expect((await stat(join(files.dir, 'nested', 'deeper', 'app.db'))).isFile()).toBe(true);
  });

  it('defaults busy_timeout to 5000 ms', async () => {
    const db = files.open('default-timeout.db');
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db);
    expect(timeout.rows[0]?.timeout).toBe(5000);
  });

  it('rejects a busy timeout that is not a whole number of milliseconds', () => {
    for (const busyTimeout of [-1, 1.5, Number.NaN]) {
      expect(() => openSqlite(join(files.dir, 'x.db'), { busyTimeout })).toThrowError(
        expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
      );
    }
  });

  it('reports a database that cannot be opened as SERVICE_UNAVAILABLE', async () => {
    const folder = join(files.dir, 'a-folder.db');
    await mkdir(folder);
    const db = openSqlite(folder);
    try {
      await expect(createSqlUserStore(db).get(crypto.randomUUID())).rejects.toMatchObject({
        code: ErrorCode.SERVICE_UNAVAILABLE,
        cause: expect.objectContaining({ code: expect.stringMatching(/^SQLITE_CANTOPEN/) }),
      });
    } finally {
      await db.destroy();
    }
  });

  it('reports a closed database as SERVICE_UNAVAILABLE', async () => {
    const db = openSqlite(join(files.dir, 'closed.db'));
    await migrateToLatest(db);
    await db.destroy();
    await expect(createSqlUserStore(db).getByEmail('a@x.io')).rejects.toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
    });
  });

  it('fails a store query on a file that is not a database without calling it unavailable', async () => {
    const path = join(files.dir, 'not-a-db.db');
    await writeFile(path, 'plain text, not SQLite'.repeat(100));
    const db = openSqlite(path);
    try {
      const error = await createSqlUserStore(db)
        .get(crypto.randomUUID())
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SQLITE_NOTADB' });
    } finally {
      await db.destroy();
    }
  });
});

describe('configureSqliteConnection', () => {
  it('issues the three pragmas, busy_timeout first', () => {
    const issued: string[] = [];
    configureSqliteConnection({ pragma: (source) => issued.push(source) }, { busyTimeout: 10 });
    expect(issued).toEqual(['busy_timeout = 10', 'journal_mode = WAL', 'foreign_keys = ON']);
  });
});
