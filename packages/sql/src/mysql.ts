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
}

/** The part of a mysql2 pool the wrapper uses. */
interface RawPool {
  getConnection(callback: (error: unknown, connection: RawConnection) => void): void;
  end: MysqlPool['end'];
}

/**
 * mysql2 has no pool-wide query timeout, only a per-query one: pass it on every query Kysely
 * sends. One wrapper per connection, so Kysely's per-connection cache keeps working.
 */
function withQueryTimeout(pool: RawPool, timeout: number): MysqlPool {
  const wrappers = new WeakMap<RawConnection, MysqlPoolConnection>();
  const wrap = (raw: RawConnection): MysqlPoolConnection => {
    let wrapper = wrappers.get(raw);
    if (wrapper === undefined) {
      wrapper = {
        query: ((sql: string, values: unknown[], callback?: QueryCallback) =>
          callback === undefined
            ? raw.query(sql, values)
            : raw.query({ sql, values, timeout }, callback)) as MysqlPoolConnection['query'],
        release: () => raw.release(),
      };
      wrappers.set(raw, wrapper);
    }
    return wrapper;
  };
  return {
    getConnection: (callback) =>
      pool.getConnection((error, raw) =>
        // On error there is no connection; Kysely only looks at the error then.
        callback(error, error ? (raw as unknown as MysqlPoolConnection) : wrap(raw)),
      ),
    end: (callback) => pool.end(callback),
  };
}

/**
 * A Kysely instance on MySQL or MariaDB through a mysql2 pool (install `mysql2` next to this
 * package; it is loaded on first use). Accepts `mysql://` and `mariadb://` URLs. The pool fails
 * a connection attempt after `connectTimeoutMs` and a query after `queryTimeoutMs`, so an
 * unreachable database gives the stores' SERVICE_UNAVAILABLE (503) instead of a hang, and it
 * reconnects by itself once the database is back. The connection character set is utf8mb4.
 * Call `db.destroy()` to close it.
 *
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
  const resolved = resolveConnectOptions(options);
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
        // mysql2's typings overload query() many ways; RawPool names the two forms used.
        return withQueryTimeout(pool as unknown as RawPool, resolved.queryTimeoutMs);
      },
    }),
  });
}
