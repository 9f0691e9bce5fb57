import { ErrorCode, isPortcullisError, PortcullisError } from '@portcullis/core';

/**
 * What a driver error means to a store:
 * - `unique`: a unique index or primary key rejected the write;
 * - `foreign-key`: the referenced row (the user) does not exist;
 * - `unavailable`: the database cannot be reached or stayed locked past its timeout.
 */
export type DriverErrorKind = 'unique' | 'foreign-key' | 'unavailable';

export interface DriverErrorInfo {
  kind: DriverErrorKind;
  /** The constraint, index or `table.column` list the driver named, when it names one. */
  target?: string;
}

/** The fields drivers put on their errors (better-sqlite3, pg, mysql2, Node's net). */
interface ErrorShape {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  constraint?: unknown;
}

type Classifier = (error: ErrorShape) => DriverErrorInfo | null;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

// better-sqlite3's SqliteError carries SQLite's extended result code as a string.
// https://www.sqlite.org/rescode.html
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|PROTOCOL)(_|$)/;
// better-sqlite3 raises these as TypeErrors before SQLite is involved.
const SQLITE_CLOSED = [
  'The database connection is not open',
  'Cannot open database because the directory does not exist',
];

const sqlite: Classifier = (error) => {
  const code = text(error.code);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: index 'ux_user_email_lower'" or "...: user.email"
    const match = /constraint failed: (?:index '([^']+)'|(.+))$/.exec(text(error.message));
    return { kind: 'unique', target: match?.[1] ?? match?.[2] };
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { kind: 'foreign-key' };
  if (SQLITE_UNAVAILABLE.test(code)) return { kind: 'unavailable' };
  if (SQLITE_CLOSED.includes(text(error.message))) return { kind: 'unavailable' };
  return null;
};

// node-postgres: SQLSTATE in `code`, the constraint name in `constraint`. 57014 is a query
// cancelled by statement_timeout: an overloaded database, so a 503 rather than a 500.
// https://www.postgresql.org/docs/current/errcodes-appendix.html
// 40001/40P01 (serialization failure, deadlock) are transient: a 503 says "try again".
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|57014|53300|40001|40P01)$/;
// node-postgres and pg-pool raise these without a code when the socket or the pool fails
// (pg lib/client.js, pg-pool index.js).
const PG_UNAVAILABLE_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
]);
const postgres: Classifier = (error) => {
  const code = text(error.code);
  if (code === '23505') return { kind: 'unique', target: text(error.constraint) || undefined };
  if (code === '23503') return { kind: 'foreign-key' };
  if (PG_UNAVAILABLE.test(code)) return { kind: 'unavailable' };
  if (code === '' && PG_UNAVAILABLE_MESSAGES.has(text(error.message))) {
    return { kind: 'unavailable' };
  }
  return null;
};

// mysql2: symbolic `code` plus numeric `errno`. Statement timeouts (MariaDB's
// max_statement_time, MySQL's max_execution_time) mean an overloaded server, as on PostgreSQL;
// lock timeouts and deadlocks are transient, so a 503 ("try again") too.
const MYSQL_UNAVAILABLE = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_STATEMENT_TIMEOUT',
  'ER_QUERY_TIMEOUT',
]);
// mysql2 raises these without a code once a pooled connection or the pool itself is closed.
const MYSQL_UNAVAILABLE_MESSAGES = new Set([
  "Can't add new command when connection is in closed state",
  'Pool is closed.',
]);
const mysql: Classifier = (error) => {
  const code = text(error.code);
  if (code === '' && MYSQL_UNAVAILABLE_MESSAGES.has(text(error.message))) {
    return { kind: 'unavailable' };
  }
  if (code === 'ER_DUP_ENTRY' || error.errno === 1062) {
    // "Duplicate entry '...' for key 'user.ux_user_email_lower'"; the entry holds the value.
    const match = /for key '([^']+)'$/.exec(text(error.message));
    return { kind: 'unique', target: match?.[1] };
  }
  if (code === 'ER_NO_REFERENCED_ROW_2' || error.errno === 1452) return { kind: 'foreign-key' };
  if (MYSQL_UNAVAILABLE.has(code)) return { kind: 'unavailable' };
  return null;
};

// Socket-level failures any networked driver surfaces, plus Kysely's own after destroy().
const NETWORK_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const network: Classifier = (error) => {
  if (NETWORK_UNAVAILABLE.has(text(error.code))) return { kind: 'unavailable' };
  if (text(error.message) === 'driver has already been destroyed') return { kind: 'unavailable' };
  return null;
};

const CLASSIFIERS: readonly Classifier[] = [sqlite, postgres, mysql, network];

/**
 * Reads a driver error of any supported dialect. Looks through `cause` and
 * `AggregateError.errors` (Node's happy-eyeballs connect reports one error per address) a few
 * levels deep. A new dialect is one more classifier in `CLASSIFIERS`.
 *
 * @example
 * ```ts
 * classifyDriverError(pgError); // { kind: 'unique', target: 'ux_user_email_lower' } for 23505
 * classifyDriverError(new Error('boom')); // null
 * ```
 */
export function classifyDriverError(error: unknown, depth = 0): DriverErrorInfo | null {
  if (typeof error !== 'object' || error === null || depth > 3) return null;
  for (const classify of CLASSIFIERS) {
    const info = classify(error as ErrorShape);
    if (info) return info;
  }
  const nested = [
    (error as { cause?: unknown }).cause,
    ...(error instanceof AggregateError ? error.errors : []),
  ];
  for (const inner of nested) {
    const info = classifyDriverError(inner, depth + 1);
    if (info) return info;
  }
  return null;
}

/** What a store knows about the write that failed, to name the error precisely. */
export interface ErrorContext {
  /** A unique violation on the email index means the email is taken. */
  emailIndex?: string;
}

/**
 * Turns a driver error into a PortcullisError where the meaning is known, keeping the driver
 * error as `cause`; anything else is returned unchanged. Messages never carry the email (a
 * MySQL duplicate-entry message does, so it stays in `cause` only).
 *
 * @example
 * ```ts
 * try {
 *   await db.insertInto('user').values(row).execute();
 * } catch (error) {
 *   throw toStoreError(error, { emailIndex: 'ux_user_email_lower' }); // USER_ALREADY_EXISTS
 * }
 * ```
 */
export function toStoreError(error: unknown, context: ErrorContext = {}): unknown {
  if (isPortcullisError(error)) return error;
  const info = classifyDriverError(error);
  if (info === null) return error;
  if (info.kind === 'unavailable') {
    return new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, 'The user database is unavailable', {
      cause: error,
    });
  }
  if (info.kind === 'foreign-key') {
    return new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'The user does not exist', {
      cause: error,
    });
  }
  if (context.emailIndex !== undefined && isEmailTarget(info.target, context.emailIndex)) {
    return new PortcullisError(
      ErrorCode.USER_ALREADY_EXISTS,
      'A user with this email already exists',
      { cause: error },
    );
  }
  return error;
}

/**
 * Our index (`ux_user_email_lower`, `user.ux_user_email_lower` on MySQL), FastAPI Users'
 * case-sensitive `ix_user_email` or SQLite's `user.email` all name the email. A driver that
 * names nothing gets the benefit of the doubt: email is the only unique user column we write
 * that the database does not generate.
 */
function isEmailTarget(target: string | undefined, emailIndex: string): boolean {
  if (target === undefined) return true;
  return target === emailIndex || target.endsWith(`.${emailIndex}`) || /email/i.test(target);
}
