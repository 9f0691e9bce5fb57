import { ErrorCode, PortcullisError } from '@portcullis/core';

/** Pool and timeout settings for `openPostgres`, `openMysql` and `openSqlDatabase`. */
export interface SqlConnectOptions {
  /**
   * How long opening a connection may take before the store call fails with
   * SERVICE_UNAVAILABLE, in milliseconds. Default 10 000.
   */
  connectTimeoutMs?: number;
  /**
   * How long a query may wait for its answer before it fails with SERVICE_UNAVAILABLE, in
   * milliseconds, so a database that stops answering cannot hang requests. Default 30 000.
   */
  queryTimeoutMs?: number;
  /** Most connections the pool opens. Default 10. */
  poolSize?: number;
}

/** Options after validation. */
export interface ResolvedConnectOptions {
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly poolSize: number;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved <= 0) {
    throw new PortcullisError(ErrorCode.CONFIGURATION, `${name} must be a positive whole number`);
  }
  return resolved;
}

/** Validates and freezes connection options. */
export function resolveConnectOptions(options: SqlConnectOptions = {}): ResolvedConnectOptions {
  return Object.freeze({
    connectTimeoutMs: positive(options.connectTimeoutMs, 10_000, 'connectTimeoutMs'),
    queryTimeoutMs: positive(options.queryTimeoutMs, 30_000, 'queryTimeoutMs'),
    poolSize: positive(options.poolSize, 10, 'poolSize'),
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
