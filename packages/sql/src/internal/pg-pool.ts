import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { type PgQueryClass, type RowShape, shapedQueryClass, textValues } from './pg-shaped-query';
import { preparedReadName } from './prepared-reads';
import { readPostgresTimestamp } from './timestamp';

/** A query as node-postgres takes it to run a named prepared statement. */
interface NamedQuery {
  name: string;
  text: string;
  values: unknown[];
  types: TypeParsers | undefined;
}

/** node-postgres' type parsers (`pg.types`), as a query's `types` option takes them. */
export interface TypeParsers {
  getTypeParser(oid: number, format?: string): (value: string) => unknown;
}

/** The node-postgres client calls the wrapper makes: Kysely's, a named query, and `end`. */
interface RawClient {
  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(query: NamedQuery): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  /** A query object of node-postgres' own class: its callback gets the result. */
  query(query: InstanceType<PgQueryClass>): unknown;
  release(destroy?: boolean): void;
  end(): Promise<void>;
}

/** The node-postgres pool call the wrapper makes. */
interface RawPool {
  connect(): Promise<RawClient>;
  end(): Promise<void>;
}

/** How `openPostgres` wraps its pool. */
export interface PoolWrapOptions {
  /** Run the stores' per-request reads as named prepared statements (docs/performance.md). */
  prepareReads: boolean;
  /** The driver's type parsers (`pg.types`); given, the prepared reads read `timestamptz` fast. */
  types?: TypeParsers;
  /**
   * The driver's `Query` class (`pg.Query`); given with `types`, the prepared reads ask for
   * their row description once per connection, not on every execution.
   */
  Query?: PgQueryClass;
}

/** The type id of `timestamptz`. */
const TIMESTAMPTZ = 1184;

/** Texts the driver's `timestamptz` parser must read as `readPostgresTimestamp` does. */
const PROBES = [
  '2024-05-01 12:34:56.789123+00',
  '2024-02-29 23:59:59+05:30',
  '1999-12-31 00:00:00.5-03',
  '1900-01-01 00:00:00+00:09:21',
];

/**
 * The driver's type parsers, but `timestamptz` read by `readPostgresTimestamp` (texts it does
 * not take still go to the driver's parser). Only while the driver's parser gives the same
 * instants, as Dates: an app that registered its own (strings, another date library) keeps it.
 * Checked again whenever the registered parser changes.
 */
function fastTimestamps(types: TypeParsers): TypeParsers {
  let checked: ((value: string) => unknown) | undefined;
  let fast: ((value: string) => unknown) | undefined;
  return {
    getTypeParser(oid, format = 'text') {
      const parser = types.getTypeParser(oid, format);
      if (oid !== TIMESTAMPTZ || format !== 'text') return parser;
      if (parser !== checked) {
        checked = parser;
        const agrees = PROBES.every((text) => {
          let theirs: unknown;
          try {
            theirs = parser(text);
          } catch {
            // The app's parser fails where the driver's reads: it is not the driver's.
            return false;
          }
          return (
            theirs instanceof Date && theirs.getTime() === readPostgresTimestamp(text)?.getTime()
          );
        });
        fast = agrees ? (text) => readPostgresTimestamp(text) ?? parser(text) : undefined;
      }
      return fast ?? parser;
    },
  };
}

/** node-postgres' message for a query past `query_timeout` (pg lib/client.js). */
const READ_TIMEOUT = 'Query read timeout';

const isReadTimeout = (error: unknown): boolean =>
  error instanceof Error && error.message === READ_TIMEOUT;

/**
 * PostgreSQL's answers when a prepared statement cannot run as prepared, though the same text
 * unnamed can; the statement did nothing:
 * - 0A000 "cached plan must not change result type": its result columns changed under it, e.g.
 *   `select *` after a migration added a column while the app ran;
 * - 26000 "prepared statement … does not exist": the session lost it (`DISCARD ALL`, or a
 *   pooler in transaction mode that moved the connection to another server session);
 * - 42P05 "prepared statement … already exists": the same, the other way round.
 */
const STALE_PLAN = new Set(['0A000', '26000', '42P05']);
const isStalePlan = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STALE_PLAN.has(code);
};

/**
 * Wraps `openPostgres`'s node-postgres pool, one wrapper per client so that Kysely's
 * per-connection state keeps working:
 *
 * - node-postgres answers a query past `query_timeout` with an error but keeps its connection,
 *   the unanswered query still pending on it. Reused, that connection makes every later query
 *   wait behind it (and time out in turn); on a network path that died without a reset it never
 *   recovers. So a connection whose query timed out is closed at once (later statements on it,
 *   such as Kysely's ROLLBACK, fail at once instead of waiting out their own timeout) and
 *   released as broken, and the pool opens a fresh one when it needs one.
 * - With `prepareReads`, the stores' per-request reads run as named prepared statements: the
 *   server parses and plans each once per connection instead of on every request. A read that
 *   cannot run as prepared (its table changed shape, the session lost the statement) is run
 *   again unnamed, and unnamed on that connection from then on.
 * - Given the driver's `types`, those reads read `timestamptz` columns by character codes
 *   (`readPostgresTimestamp`) while the driver's own parser is the one that gives the same Dates.
 */
export function wrapPostgresPool(pool: RawPool, options: PoolWrapOptions): PostgresPool {
  const wrappers = new WeakMap<RawClient, PostgresPoolClient>();
  const types = options.types === undefined ? undefined : fastTimestamps(options.types);
  const ShapedQuery =
    options.Query === undefined || types === undefined
      ? undefined
      : shapedQueryClass(options.Query);
  const wrap = (raw: RawClient): PostgresPoolClient => {
    let wrapper = wrappers.get(raw);
    if (wrapper !== undefined) return wrapper;
    let broken = false;
    /** Reads that could not run as prepared on this connection: run unnamed from then on. */
    let stale: Set<string> | undefined;
    /** The prepared reads' row shapes on this connection, by statement name. */
    const shapes = new Map<string, RowShape>();
    const onError = (error: unknown): never => {
      if (isReadTimeout(error) && !broken) {
        broken = true;
        raw.end().catch(() => undefined);
      }
      throw error;
    };
    const run = (sql: string, parameters: ReadonlyArray<unknown>) => {
      const name = options.prepareReads ? preparedReadName(sql) : undefined;
      if (name === undefined || stale?.has(sql)) {
        return raw.query(sql, parameters).catch(onError);
      }
      return prepared(name, sql, parameters).catch((error: unknown) => {
        if (!isStalePlan(error)) return onError(error);
        stale ??= new Set();
        stale.add(sql);
        return raw.query(sql, parameters).catch(onError);
      });
    };
    /** A named read: shaped when the driver's class is given and its values are plain. */
    const prepared = <R>(
      name: string,
      sql: string,
      parameters: ReadonlyArray<unknown>,
    ): Promise<PostgresQueryResult<R>> => {
      const values = ShapedQuery === undefined ? undefined : textValues(parameters);
      if (ShapedQuery === undefined || values === undefined || types === undefined) {
        const query: NamedQuery = { name, text: sql, values: [...parameters], types };
        return raw.query<R>(query);
      }
      return new Promise((resolve, reject) => {
        const callback = (error: Error | null, result?: unknown) =>
          error === null ? resolve(result as PostgresQueryResult<R>) : reject(error);
        raw.query(new ShapedQuery({ name, text: sql, values, types, callback }, shapes));
      });
    };
    wrapper = {
      query: ((
        sqlOrCursor: string | PostgresCursor<unknown>,
        parameters: ReadonlyArray<unknown>,
      ) =>
        typeof sqlOrCursor === 'string'
          ? run(sqlOrCursor, parameters)
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
