import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import { markPreparedRead } from './prepared-reads';

/** Where a value of the request goes in a query compiled once: the index of that value. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A placeholder for the `index`-th value given to the compiled query's run, used where the
 * builder takes a value (`eb('token', '=', slot(0))`, sql`… ${slot(1)}`). Typed as any value
 * so that the builder accepts it in any column's place.
 */
// biome-ignore lint/suspicious/noExplicitAny: a placeholder stands in for a value of any column.
export const slot = (index: number): any => new Slot(index);

/** Runs a query compiled once with the values of one call, in the order of their slots. */
export type CompiledRun<R> = (values: readonly unknown[]) => Promise<QueryResult<R>>;

/**
 * A query built and compiled once, on first use, then run with each call's values through
 * `db.executeQuery`: the hot reads of a session check skip Kysely's query building and
 * compiling, which cost more than the statement itself on SQLite (docs/performance.md). The
 * SQL text is the same on every call, so drivers that cache statements by text (the SQLite
 * statement cache) reuse them. The Kysely instance's plugins transform the query once, at the
 * compile, and its results on every run, as they do for a query built each time. On PostgreSQL
 * opened with `openPostgres`, the text is run as a named prepared statement (`markPreparedRead`),
 * so the server parses and plans it once per connection, not on every request.
 *
 * @example
 * ```ts
 * const byId = compileOnce(db, () => db.selectFrom('user').selectAll().where('id', '=', slot(0)));
 * const { rows } = await byId([id]);
 * ```
 */
export function compileOnce<R>(
  db: Kysely<unknown>,
  // A query builder's compile() takes nothing; an sql`…` template's takes the instance.
  build: () => { compile(db: Kysely<unknown>): CompiledQuery<R> },
): CompiledRun<R> {
  let template: CompiledQuery<R> | undefined;
  /** For each parameter, the index of the call's value it takes, or -1 for a fixed value. */
  let slots: number[] = [];
  return (values) => {
    if (template === undefined) {
      template = build().compile(db);
      markPreparedRead(template.sql);
      slots = template.parameters.map((p) => (p instanceof Slot ? p.index : -1));
    }
    const fixed = template.parameters;
    const parameters = slots.map((index, i) => (index === -1 ? fixed[i] : values[index]));
    return db.executeQuery<R>({
      sql: template.sql,
      query: template.query,
      queryId: template.queryId,
      parameters,
    });
  };
}
