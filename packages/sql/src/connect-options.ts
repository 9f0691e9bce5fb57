import { ErrorCode, PortcullisError } from '@portcullis/core';
import { DEFAULT_STORE_TIMEOUT_MS, timeoutOption } from '@portcullis/core/adapter';

/**
 * Pool and timeout settings for `openPostgres`, `openMysql` and `openSqlDatabase`. The defaults
 * bound every store call: a database that refuses, drops or stops answering gives
 * SERVICE_UNAVAILABLE (503) within about 5 s instead of a hang (docs/reliability.md).
 */
export interface SqlConnectOptions {
  /**
   * How long getting a connection may take, in milliseconds: opening one (TCP, TLS, login) or
   * waiting for a free one in a full pool. Past it the store call fails with
   * SERVICE_UNAVAILABLE. Default 5 000.
   */
  connectTimeoutMs?: number;
  /**
   * How long a query may wait for its answer, in milliseconds, before it fails with
   * SERVICE_UNAVAILABLE; the connection it ran on is then closed, never reused. Default 5 000.
   * Long migrations on large tables may need more: open the database for them with a larger
   * value.
   */
  queryTimeoutMs?: number;
  /**
   * PostgreSQL only: the server-side `statement_timeout`, in milliseconds, so the server also
   * stops work nobody waits for any more (and releases its locks). Default: `queryTimeoutMs`.
   * `null` sends none, e.g. behind PgBouncer in transaction mode, which refuses unknown
   * start-up parameters.
   */
  statementTimeoutMs?: number | null;
  /** Most connections the pool opens. Default 10. */
  poolSize?: number;
  /**
   * PostgreSQL only: run the stores' per-request reads (a session check, a user by id) as named
   * prepared statements, so the server parses and plans each once per connection instead of on
   * every request (docs/performance.md#postgresql-prepared-reads). Default true. `false` for
   * PgBouncer in transaction mode before 1.21, which cannot keep a prepared statement.
   */
  preparedStatements?: boolean;
}

/** Options after validation. */
export interface ResolvedConnectOptions {
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly statementTimeoutMs: number | null;
  readonly poolSize: number;
  readonly preparedStatements: boolean;
}

/** A value as an error message may show it: numbers as they are, anything else by its type. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

/**
 * Validates and freezes connection options.
 *
 * @throws a CONFIGURATION PortcullisError naming `caller` and the option at fault.
 */
export function resolveConnectOptions(
  options: SqlConnectOptions = {},
  caller = 'openSqlDatabase',
): ResolvedConnectOptions {
  const queryTimeoutMs = timeoutOption(
    options.queryTimeoutMs,
    DEFAULT_STORE_TIMEOUT_MS,
    'queryTimeoutMs',
    caller,
  );
  const poolSize = options.poolSize ?? 10;
  const preparedStatements = options.preparedStatements ?? true;
  if (typeof preparedStatements !== 'boolean') {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `${caller}: preparedStatements must be true or false (got ${shown(preparedStatements)})`,
    );
  }
  if (typeof poolSize !== 'number' || !Number.isSafeInteger(poolSize) || poolSize <= 0) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `${caller}: poolSize must be a positive whole number (got ${shown(poolSize)})`,
    );
  }
  return Object.freeze({
    connectTimeoutMs: timeoutOption(
      options.connectTimeoutMs,
      DEFAULT_STORE_TIMEOUT_MS,
      'connectTimeoutMs',
      caller,
    ),
    queryTimeoutMs,
    statementTimeoutMs:
      options.statementTimeoutMs === null
        ? null
        : timeoutOption(options.statementTimeoutMs, queryTimeoutMs, 'statementTimeoutMs', caller),
    poolSize,
    preparedStatements,
  });
}

/**
 * A database URL with its password replaced by `***`, fit for an error message or a log line.
 *
 * @example
 * ```ts
 * redactDatabaseUrl('postgres://app:s3cret@db:5432/app'); // 'postgres://app:***@db:5432/app'
 * ```
 */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL: hide anything between "://user:" and "@" the crude way.
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

/** Loads an optional peer dependency, with a message that says what to install. */
export async function loadDriver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `The ${name} driver is not installed: add it next to @portcullis/sql`,
      { cause },
    );
  }
}
