import { ErrorCode } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { redactDatabaseUrl } from './connect-options';
import { detectDialect } from './dialect';
import { dialectOfUrl, openSqlDatabase } from './open-database';

describe('openSqlDatabase', () => {
  it.each([
    ['postgres://u:p@db:5432/app', 'postgres'],
    ['postgresql://db/app', 'postgres'],
    ['POSTGRES://db/app', 'postgres'],
    ['mysql://u:p@db/app', 'mysql'],
    ['mariadb://db/app', 'mysql'],
    ['sqlite:./data/app.db', 'sqlite'],
    ['sqlite::memory:', 'sqlite'],
  ] as const)('opens %s with the %s dialect, without connecting', async (url, dialect) => {
    expect(dialectOfUrl(url)).toBe(dialect);
    const db = openSqlDatabase(url);
    expect(detectDialect(db)).toBe(dialect);
    await db.destroy();
  });

  it.each(['mongodb://db/app', 'oracle://db', 'nonsense', 'sqlite:', ''])('refuses %j', (url) => {
    expect(() => openSqlDatabase(url)).toThrowError(
      expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
    );
  });

  it.each([{ connectTimeoutMs: 0 }, { queryTimeoutMs: -1 }, { poolSize: 1.5 }])(
    'refuses the options %j',
    (options) => {
      expect(() => openSqlDatabase('postgres://db/app', options)).toThrowError(
        expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
      );
    },
  );
});

describe('redactDatabaseUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactDatabaseUrl('postgres://app:s3cr%40t@db:5432/app?sslmode=require')).toBe(
      'postgres://app:***@db:5432/app?sslmode=require',
    );
    expect(redactDatabaseUrl('mysql://app@db/app')).toBe('mysql://app@db/app');
    expect(redactDatabaseUrl('mysql://app:pw@[bad')).toBe('mysql://app:***@[bad');
  });
});

describe('detectDialect', () => {
  it('honours an explicit dialect and refuses an unknown one', async () => {
    const db = openSqlDatabase('sqlite::memory:');
    expect(detectDialect(db, 'postgres')).toBe('postgres');
    expect(() => detectDialect(db, 'oracle' as never)).toThrowError(
      expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
    );
    await db.destroy();
  });
});
