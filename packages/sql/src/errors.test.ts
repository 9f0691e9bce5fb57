import { ErrorCode, isPortcullisError, PortcullisError } from '@portcullis/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { classifyDriverError, toStoreError } from './errors';

const emailIndex = 'ux_user_email_lower';

function fake(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? 'driver error')), fields);
}

function realSqliteUniqueError(): unknown {
  const db = new Database(':memory:');
  try {
    db.exec(`create table "user" (id text primary key, email text not null);
      create unique index ${emailIndex} on "user" (lower(email));
      insert into "user" values ('1', 'a@x.io');`);
    db.prepare(`insert into "user" values ('2', 'A@X.IO')`).run();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
}

describe('classifyDriverError', () => {
  it('reads SQLite unique violations with the index or columns they name', () => {
    expect(classifyDriverError(realSqliteUniqueError())).toEqual({
      kind: 'unique',
      target: emailIndex,
    });
    expect(
      classifyDriverError(
        fake({ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: user.email' }),
      ),
    ).toEqual({ kind: 'unique', target: 'user.email' });
  });

  it('reads PostgreSQL and MySQL unique violations', () => {
    expect(classifyDriverError(fake({ code: '23505', constraint: emailIndex }))).toEqual({
      kind: 'unique',
      target: emailIndex,
    });
    expect(
      classifyDriverError(
        fake({
          code: 'ER_DUP_ENTRY',
          errno: 1062,
          message: `Duplicate entry 'a@x.io' for key 'user.${emailIndex}'`,
        }),
      ),
    ).toEqual({ kind: 'unique', target: `user.${emailIndex}` });
    expect(classifyDriverError(fake({ errno: 1062, message: 'Duplicate entry' }))).toEqual({
      kind: 'unique',
      target: undefined,
    });
  });

  it.each([
    { code: 'SQLITE_BUSY' },
    { code: 'SQLITE_BUSY_SNAPSHOT' },
    { code: 'SQLITE_CANTOPEN' },
    { code: 'SQLITE_IOERR_WRITE' },
    { code: 'SQLITE_READONLY' },
    { message: 'The database connection is not open' },
    { code: '08006' },
    { code: '57P01' },
    { code: '53300' },
    { code: '57014' },
    { code: '40P01' },
    { code: 'ER_LOCK_DEADLOCK' },
    { message: 'Connection terminated unexpectedly' },
    { message: 'Connection terminated due to connection timeout' },
    { message: 'timeout exceeded when trying to connect' },
    { message: 'Query read timeout' },
    { message: 'Client has encountered a connection error and is not queryable' },
    { code: 'PROTOCOL_CONNECTION_LOST' },
    { code: 'PROTOCOL_SEQUENCE_TIMEOUT' },
    { code: 'ER_STATEMENT_TIMEOUT' },
    { message: "Can't add new command when connection is in closed state" },
    { message: 'Pool is closed.' },
    { code: 'ECONNREFUSED' },
    { code: 'ETIMEDOUT' },
    { message: 'driver has already been destroyed' },
  ])('calls %j unavailable', (fields) => {
    expect(classifyDriverError(fake(fields))).toEqual({ kind: 'unavailable' });
  });

  it('finds a connection failure inside an AggregateError or a cause', () => {
    const refused = new AggregateError([
      fake({ code: 'ECONNREFUSED' }),
      fake({ code: 'ECONNREFUSED' }),
    ]);
    expect(classifyDriverError(refused)).toEqual({ kind: 'unavailable' });
    expect(
      classifyDriverError(new Error('wrapped', { cause: fake({ code: 'SQLITE_BUSY' }) })),
    ).toEqual({
      kind: 'unavailable',
    });
  });

  it.each([
    { code: 'SQLITE_ERROR', message: 'no such table: user' },
    { code: 'SQLITE_CONSTRAINT_NOTNULL' },
    { code: 'SQLITE_NOTADB' },
    { code: '42P01' },
    { code: '28P01', message: 'password authentication failed for user "app"' },
    { code: 'ER_PARSE_ERROR' },
    { code: 'ER_DATA_TOO_LONG', message: 'Query read timeout' },
    { message: 'boom' },
  ])('leaves %j alone', (fields) => {
    expect(classifyDriverError(fake(fields))).toBeNull();
  });

  it('ignores values that are not errors', () => {
    expect(classifyDriverError(null)).toBeNull();
    expect(classifyDriverError('SQLITE_BUSY')).toBeNull();
  });
});

describe('toStoreError', () => {
  it('turns an email unique violation into USER_ALREADY_EXISTS, keeping the cause', () => {
    const cause = realSqliteUniqueError();
    const error = toStoreError(cause, { emailIndex });
    expect(isPortcullisError(error)).toBe(true);
    expect(error).toMatchObject({ code: ErrorCode.USER_ALREADY_EXISTS, cause });
  });

  it('never puts the email of a MySQL duplicate-entry message into its own message', () => {
    const cause = fake({
      code: 'ER_DUP_ENTRY',
      message: `Duplicate entry 'secret@x.io' for key '${emailIndex}'`,
    });
    const error = toStoreError(cause, { emailIndex }) as Error;
    expect(error).toMatchObject({ code: ErrorCode.USER_ALREADY_EXISTS });
    expect(error.message).not.toContain('secret');
  });

  it('leaves unique violations on other columns as they are', () => {
    const pk = fake({
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
      message: 'UNIQUE constraint failed: user.id',
    });
    expect(toStoreError(pk, { emailIndex })).toBe(pk);
    const custom = fake({
      code: 'SQLITE_CONSTRAINT_UNIQUE',
      message: 'UNIQUE constraint failed: user.nickname',
    });
    expect(toStoreError(custom, { emailIndex })).toBe(custom);
    // Without an email index in context (token store), a unique violation is not about users.
    expect(toStoreError(realSqliteUniqueError())).not.toSatisfy(isPortcullisError);
  });

  it('maps unavailability to a 503 and a missing parent row to USER_NOT_EXISTS', () => {
    const busy = fake({ code: 'SQLITE_BUSY' });
    expect(toStoreError(busy)).toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
      status: 503,
      cause: busy,
    });
    const fk = fake({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(toStoreError(fk)).toMatchObject({ code: ErrorCode.USER_NOT_EXISTS, cause: fk });
  });

  it('passes PortcullisErrors through untouched', () => {
    const error = new PortcullisError(ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED);
    expect(toStoreError(error, { emailIndex })).toBe(error);
  });
});
