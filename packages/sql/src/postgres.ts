import { Kysely, PostgresDialect } from 'kysely';
import type { SqlConnectOptions } from './connect-options';
import { loadDriver, resolveConnectOptions } from './connect-options';
import { wrapPostgresPool } from './internal/pg-pool';
import type { PgQueryClass } from './internal/pg-shaped-query';
import type { PortcullisDatabase } from './schema';

/**
 * A Kysely instance on PostgreSQL through a node-postgres pool (install `pg` next to this
 * package; it is loaded on first use). Getting a connection fails after `connectTimeoutMs`, a
 * query after `queryTimeoutMs` (5 s each by default; the connection is then closed), and the
 * server stops a statement after `statementTimeoutMs`, so a database that refuses or stops
 * answering gives the stores' SERVICE_UNAVAILABLE (503) instead of a hang, and the pool
 * reconnects by itself once the database is back. The stores' per-request reads run as named
 * prepared statements (`preparedStatements: false` turns that off, e.g. behind PgBouncer in
 * transaction mode before 1.21). Connection-string parameters reach
 * node-postgres as they are (`?sslmode=require`, `?options=-c%20search_path%3Dauth`). Call
 * `db.destroy()` to close it.
 *
 * Bringing your own `pg.Pool`? Give it `connectionTimeoutMillis` and `query_timeout`, and
 * `error` listeners on the pool and on every client (`pool.on('connect', …)`): node-postgres
 * emits `error` when a connection drops, and an unhandled `error` event ends the process.
 *
 * @throws a CONFIGURATION PortcullisError for an option out of range, naming it.
 * @example
 * ```ts
 * const db = openPostgres(process.env.DATABASE_URL ?? 'postgres://localhost/app');
 * await migrateToLatest(db);
 * const users = createSqlUserStore(db);
 * ```
 */
export function openPostgres<DB = PortcullisDatabase>(
  url: string,
  options: SqlConnectOptions = {},
): Kysely<DB> {
  const resolved = resolveConnectOptions(options, 'openPostgres');
  return new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: async () => {
        const { default: pg } = await loadDriver('pg', () => import('pg'));
        const pool = new pg.Pool({
          connectionString: url,
          // Covers opening a connection (TCP, TLS, login) and waiting for a free one.
          connectionTimeoutMillis: resolved.connectTimeoutMs,
          // Client-side: also fires when the network drops packets without closing the socket.
          query_timeout: resolved.queryTimeoutMs,
          max: resolved.poolSize,
          ...(resolved.statementTimeoutMs === null
            ? {}
            : { statement_timeout: Math.max(1, Math.round(resolved.statementTimeoutMs)) }),
        });
        // node-postgres emits `error` when a connection drops: on the pool for an idle one,
        // on the client for one that is checked out (Kysely adds no listener). Unhandled, either
        // ends the process. The failed query already reports the outage, and the pool discards
        // the broken client on release, so both listeners only keep the process alive.
        pool.on('error', () => undefined);
        pool.on('connect', (client) => client.on('error', () => undefined));
        return wrapPostgresPool(pool, {
          prepareReads: resolved.preparedStatements,
          types: pg.types,
          Query: pg.Query as unknown as PgQueryClass,
        });
      },
    }),
  });
}
