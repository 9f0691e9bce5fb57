import { ErrorCode } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import type { SqlConnectOptions } from './connect-options';
import { redactDatabaseUrl, resolveConnectOptions } from './connect-options';
import { detectDialect } from './dialect';
import { openMysql } from './mysql';
import { dialectOfUrl, openSqlDatabase } from './open-database';
import { openPostgres } from './postgres';

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

  it.each([
    [{ connectTimeoutMs: 0 }, 'connectTimeoutMs must be a positive number (got 0)'],
    [{ queryTimeoutMs: -5 }, 'queryTimeoutMs must be a positive number (got -5)'],
    [{ queryTimeoutMs: Number.NaN }, 'queryTimeoutMs must be a positive number (got NaN)'],
    [{ connectTimeoutMs: '5000' }, 'connectTimeoutMs must be a positive number (got a string)'],
    [{ statementTimeoutMs: 0 }, 'statementTimeoutMs must be a positive number (got 0)'],
    [{ queryTimeoutMs: 3e9 }, 'queryTimeoutMs must be at most 2147483647 (got 3000000000)'],
    [{ poolSize: 1.5 }, 'poolSize must be a positive whole number (got 1.5)'],
  ])('refuses the options %j, naming the option', (options, message) => {
    const bad = options as SqlConnectOptions;
    expect(() => openSqlDatabase('postgres://db/app', bad)).toThrowError(
      expect.objectContaining({
        code: ErrorCode.CONFIGURATION,
        message: `openSqlDatabase: ${message}`,
      }),
    );
    expect(() => openPostgres('postgres://db/app', bad)).toThrowError(`openPostgres: ${message}`);
    expect(() => openMysql('mysql://db/app', bad)).toThrowError(`openMysql: ${message}`);
  });

  it('bounds every wait by default, and lets statementTimeoutMs be switched off', () => {
    expect(resolveConnectOptions()).toEqual({
      connectTimeoutMs: 5000,
      queryTimeoutMs: 5000,
      statementTimeoutMs: 5000,
      poolSize: 10,
      preparedStatements: true,
    });
    expect(
      resolveConnectOptions({
        queryTimeoutMs: 800,
        statementTimeoutMs: null,
        preparedStatements: false,
      }),
    ).toEqual({
      connectTimeoutMs: 5000,
      queryTimeoutMs: 800,
      statementTimeoutMs: null,
      poolSize: 10,
      preparedStatements: false,
    });
    expect(resolveConnectOptions({ queryTimeoutMs: 800 }).statementTimeoutMs).toBe(800);
  });
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
