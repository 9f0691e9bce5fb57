import type { PostgresCursor, PostgresPool, PostgresPoolClient } from 'kysely';

/** The node-postgres client calls the wrapper makes: Kysely's, plus `end`. */
interface RawClient extends PostgresPoolClient {
  end(): Promise<void>;
}

/** The node-postgres pool call the wrapper makes. */
interface RawPool {
  connect(): Promise<RawClient>;
  end(): Promise<void>;
}

/** node-postgres' message for a query past `query_timeout` (pg lib/client.js). */
const READ_TIMEOUT = 'Query read timeout';

const isReadTimeout = (error: unknown): boolean =>
  error instanceof Error && error.message === READ_TIMEOUT;

/**
 * node-postgres answers a query past `query_timeout` with an error but keeps its connection,
 * the unanswered query still pending on it. Reused, that connection makes every later query
 * wait behind it (and time out in turn); on a network path that died without a reset it never
 * recovers. So a connection whose query timed out is closed at once (later statements on it,
 * such as Kysely's ROLLBACK, fail at once instead of waiting out their own timeout) and released
 * as broken, and the pool opens a fresh one when it needs one. One wrapper per client, so
 * Kysely's per-connection state keeps working.
 */
export function closeTimedOutClients(pool: RawPool): PostgresPool {
  const wrappers = new WeakMap<RawClient, PostgresPoolClient>();
  const wrap = (raw: RawClient): PostgresPoolClient => {
    let wrapper = wrappers.get(raw);
    if (wrapper !== undefined) return wrapper;
    let broken = false;
    const query = (sql: string, parameters: ReadonlyArray<unknown>) =>
      raw.query(sql, parameters).catch((error: unknown) => {
        if (isReadTimeout(error) && !broken) {
          broken = true;
          raw.end().catch(() => undefined);
        }
        throw error;
      });
    wrapper = {
      query: ((
        sqlOrCursor: string | PostgresCursor<unknown>,
        parameters: ReadonlyArray<unknown>,
      ) =>
        typeof sqlOrCursor === 'string'
          ? query(sqlOrCursor, parameters)
          : raw.query(sqlOrCursor)) as PostgresPoolClient['query'],
      release: (destroy?: boolean) => raw.release(destroy === true || broken),
    };
    wrappers.set(raw, wrapper);
    return wrapper;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
