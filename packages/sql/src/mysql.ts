import type { MysqlPool, MysqlPoolConnection } from 'kysely';
import { Kysely, MysqlDialect } from 'kysely';
import type { SqlConnectOptions } from './connect-options';
import { loadDriver, resolveConnectOptions } from './connect-options';
import type { PortcullisDatabase } from './schema';

type QueryCallback = Parameters<MysqlPoolConnection['query']>[2];

/** The part of a mysql2 pool connection the wrapper uses. */
interface RawConnection {
  query(
    options: { sql: string; values: unknown[]; timeout: number },
    callback: QueryCallback,
  ): void;
  query(sql: string, values: unknown[]): ReturnType<MysqlPoolConnection['query']>;
  release(): void;
  destroy(): void;
}

/** The part of a mysql2 pool the wrapper uses. */
interface RawPool {
  getConnection(callback: (error: unknown, connection: RawConnection) => void): void;
  end: MysqlPool['end'];
}

/** mysql2's code for a query past its `timeout` (mysql2 lib/commands/query.js). */
const QUERY_TIMEOUT = 'PROTOCOL_SEQUENCE_TIMEOUT';

/**
 * mysql2 has no pool-wide query timeout, only a per-query one, and no limit on the wait for a
 * free connection; the wrapper adds both:
 * - every query Kysely sends carries `queryTimeout`. mysql2 starts that timer only when the
 *   query reaches the head of its connection's queue and keeps the connection after it fires,
 *   so a later query on it would wait forever behind the unanswered one: the connection is
 *   destroyed at once instead (and leaves the pool);
 * - getting a connection (waiting for a free one, or opening one) fails after `acquireTimeout`
 *   with an ETIMEDOUT error, the stores' SERVICE_UNAVAILABLE; a connection that arrives later
 *   goes straight back to the pool.
 * One wrapper per connection, so Kysely's per-connection cache keeps working.
 */
function withTimeouts(pool: RawPool, queryTimeout: number, acquireTimeout: number): MysqlPool {
  const wrappers = new WeakMap<RawConnection, MysqlPoolConnection>();
  const wrap = (raw: RawConnection): MysqlPoolConnection => {
    let wrapper = wrappers.get(raw);
    if (wrapper === undefined) {
      const query = (sql: string, values: unknown[], callback: QueryCallback): void =>
        raw.query({ sql, values, timeout: queryTimeout }, (error, result) => {
          if ((error as { code?: unknown } | null)?.code === QUERY_TIMEOUT) raw.destroy();
          callback(error, result);
        });
      wrapper = {
        query: ((sql: string, values: unknown[], callback?: QueryCallback) =>
          callback === undefined
            ? raw.query(sql, values)
            : query(sql, values, callback)) as MysqlPoolConnection['query'],
        release: () => raw.release(),
      };
      wrappers.set(raw, wrapper);
    }
    return wrapper;
  };
  return {
    getConnection: (callback) => {
      let waiting = true;
      const timer = setTimeout(() => {
        waiting = false;
        const error = new Error('Timed out getting a database connection from the pool');
        callback(Object.assign(error, { code: 'ETIMEDOUT' }), undefined as never);
      }, acquireTimeout);
      pool.getConnection((error, raw) => {
        if (!waiting) {
          if (!error) raw.release();
          return;
        }
        waiting = false;
        clearTimeout(timer);
        // On error there is no connection; Kysely only looks at the error then.
        callback(error, error ? (raw as unknown as MysqlPoolConnection) : wrap(raw));
      });
    },
    end: (callback) => pool.end(callback),
  };
}

/**
 * A Kysely instance on MySQL or MariaDB through a mysql2 pool (install `mysql2` next to this
 * package; it is loaded on first use). Accepts `mysql://` and `mariadb://` URLs. Getting a
 * connection fails after `connectTimeoutMs` and a query after `queryTimeoutMs` (5 s each by
 * default; the connection is then closed), so a database that refuses or stops answering gives
 * the stores' SERVICE_UNAVAILABLE (503) instead of a hang, and the pool reconnects by itself
 * once the database is back. Both timeouts are client-side. The connection character set is
 * utf8mb4. Call `db.destroy()` to close it.
 *
 * @throws a CONFIGURATION PortcullisError for an option out of range, naming it.
 * @example
 * ```ts
 * const db = openMysql('mysql://app:secret@127.0.0.1:3306/app');
 * await migrateToLatest(db);
 * const users = createSqlUserStore(db);
 * ```
 */
export function openMysql<DB = PortcullisDatabase>(
  url: string,
  options: SqlConnectOptions = {},
): Kysely<DB> {
  const resolved = resolveConnectOptions(options, 'openMysql');
  // mysql2 reads host, port, user, password, database and options from the URL whatever its
  // scheme; normalise mariadb:// for readers of the config.
  const uri = url.replace(/^mariadb:/i, 'mysql:');
  return new Kysely<DB>({
    dialect: new MysqlDialect({
      pool: async () => {
        const mysql = await loadDriver('mysql2', () => import('mysql2'));
        const createPool = mysql.createPool ?? mysql.default.createPool;
        const pool = createPool({
          uri,
          connectTimeout: resolved.connectTimeoutMs,
          connectionLimit: resolved.poolSize,
          // Non-ASCII emails must reach the utf8mb4 column intact.
          charset: 'utf8mb4_unicode_ci',
        });
        // mysql2's typings overload query() many ways; RawPool names the forms used.
        return withTimeouts(
          pool as unknown as RawPool,
          resolved.queryTimeoutMs,
          resolved.connectTimeoutMs,
        );
      },
    }),
  });
}
