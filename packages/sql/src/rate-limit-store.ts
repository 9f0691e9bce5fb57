import type { RateLimitStore } from '@portcullis/core';
import type {
  AttemptKey,
  AttemptOutcome,
  AttemptPolicy,
  WindowCount,
} from '@portcullis/core/adapter';
import { randomToken } from '@portcullis/core/adapter';
import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from './dialect';
import { detectDialect } from './dialect';
import { toStoreError } from './errors';
import { mysqlIndexExists } from './internal/introspect';
import type { MigrationContext } from './internal/migration-steps';

/** The limiter's table, created by migration `0007_create_rate_limit`. */
export const RATE_LIMIT_TABLE = 'rate_limit';

type Millis = number | string | bigint;

interface RateLimitDatabase {
  rate_limit: {
    limit_key: string;
    counter: Millis;
    until_ms: Millis;
    expires_at_ms: Millis;
    stamp: string;
  };
}

/** How many times a statement chosen as a deadlock victim runs in all. */
const DEADLOCK_RETRIES = 10;

/** MariaDB's ER_LOCK_DEADLOCK (1213), PostgreSQL's deadlock_detected and serialization_failure. */
function isDeadlock(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return code === 'ER_LOCK_DEADLOCK' || errno === 1213 || code === '40P01' || code === '40001';
}

export interface SqlRateLimitStoreOptions {
  /** Normally read from the Kysely instance; give it for a dialect that cannot be told. */
  dialect?: SqlDialectName;
  /**
   * Writes also delete expired rows, at most once per this many seconds per store (default
   * 600); 0 turns that off, and the app calls `purgeExpired()` itself.
   */
  purgeIntervalSeconds?: number;
}

/** The SQL rate-limit store, plus the purge SQL needs (it has no TTL of its own). */
export interface SqlRateLimitStore extends RateLimitStore {
  /** Deletes rows that no longer count; returns how many. */
  purgeExpired(): Promise<number>;
}

/**
 * A `RateLimitStore` on PostgreSQL, MariaDB (10.5+, for `INSERT … RETURNING`) or SQLite, in the
 * `rate_limit` table `migrateToLatest` creates: shared by every instance on the same database.
 * Every check is one atomic upsert. A login attempt's upsert inserts or updates all its keys
 * only when none of them is locked (the condition is part of the statement), and each row's
 * update is guarded by its own lock as the database sees it at that moment, so concurrent
 * attempts never pass more than the threshold. A refused attempt reads the lock's end with one
 * more SELECT.
 *
 * @example
 * ```ts
 * await migrateToLatest(db);
 * createPortcullis({ ..., rateLimit: { store: createSqlRateLimitStore(db) } });
 * ```
 */
export function createSqlRateLimitStore<DB>(
  database: Kysely<DB>,
  options: SqlRateLimitStoreOptions = {},
): SqlRateLimitStore {
  const db = database as unknown as Kysely<RateLimitDatabase>;
  const dialect = detectDialect(database, options.dialect);
  const interval = options.purgeIntervalSeconds ?? 600;
  const mysql = dialect === 'mysql';
  const table = sql.table(RATE_LIMIT_TABLE);
  // Parameters typed as 64-bit integers: drivers send them as text, and PostgreSQL would
  // otherwise infer a 32-bit integer from the context.
  const int = (value: number): RawBuilder<number> =>
    mysql ? sql<number>`cast(${value} as signed)` : sql<number>`cast(${value} as bigint)`;
  const col = (name: string): RawBuilder<unknown> =>
    mysql ? sql.ref(name) : sql.ref(`${RATE_LIMIT_TABLE}.${name}`);
  let lastPurge = Date.now();

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        // Concurrent upserts of one key can deadlock on MariaDB (InnoDB's gap locks of the
        // INSERT … SELECT); the victim's statement was rolled back whole, so it runs again.
        if (attempt < DEADLOCK_RETRIES && isDeadlock(error)) continue;
        throw toStoreError(error);
      }
    }
  }

  async function purgeExpired(): Promise<number> {
    return guard(async () => {
      const result = await db
        .deleteFrom(RATE_LIMIT_TABLE)
        .where('expires_at_ms', '<=', Date.now())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  async function maybePurge(): Promise<void> {
    if (interval === 0 || Date.now() - lastPurge < interval * 1000) return;
    lastPurge = Date.now();
    await purgeExpired().catch(() => undefined);
  }

  /** When a key reaching `count` (an SQL expression) of `threshold` is locked until, or 0. */
  const lockEnd = (
    count: RawBuilder<unknown>,
    threshold: RawBuilder<unknown>,
    policy: AttemptPolicy,
    now: number,
  ) => {
    const capped = sql`case when ${count} - ${threshold} > 20 then 20 else ${count} - ${threshold} end`;
    // PostgreSQL shifts a bigint by an integer only.
    const exponent = sql`cast(${capped} as ${sql.raw(mysql ? 'signed' : 'integer')})`;
    const delay = sql`${int(policy.initialDelayMs)} * (${int(1)} << (${exponent}))`;
    return sql`case when ${count} >= ${threshold}
      then ${int(now)} + case when ${delay} < ${int(policy.maxDelayMs)} then ${delay} else ${int(policy.maxDelayMs)} end
      else 0 end`;
  };

  async function hit(key: string, windowMs: number, now: number): Promise<WindowCount> {
    const end = now + windowMs;
    const open = sql`${col('until_ms')} > ${int(now)}`;
    const statement = mysql
      ? sql<{ counter: Millis; until_ms: Millis }>`insert into ${table}
          (limit_key, counter, until_ms, expires_at_ms, stamp) values (${key}, 1, ${end}, ${end}, '')
          on duplicate key update
            counter = if(${open}, counter + 1, 1),
            expires_at_ms = if(${open}, expires_at_ms, ${int(end)}),
            until_ms = if(${open}, until_ms, ${int(end)})
          returning counter, until_ms`
      : sql<{ counter: Millis; until_ms: Millis }>`insert into ${table}
          (limit_key, counter, until_ms, expires_at_ms, stamp) values (${key}, 1, ${int(end)}, ${int(end)}, '')
          on conflict (limit_key) do update set
            counter = case when ${open} then ${col('counter')} + 1 else 1 end,
            until_ms = case when ${open} then ${col('until_ms')} else ${int(end)} end,
            expires_at_ms = case when ${open} then ${col('expires_at_ms')} else ${int(end)} end
          returning counter, until_ms`;
    const row = await guard(async () => (await statement.execute(db)).rows[0]);
    await maybePurge();
    return { count: Number(row?.counter), resetAt: Number(row?.until_ms) };
  }

  async function attempt(
    keys: readonly AttemptKey[],
    policy: AttemptPolicy,
    now: number,
  ): Promise<AttemptOutcome> {
    const stamp = randomToken(12);
    const expires = now + policy.forgetAfterMs;
    const rows = sql.join(
      keys.map((k, i) =>
        i === 0
          ? sql`select ${sql`cast(${k.key} as ${sql.raw(mysql ? 'char(255)' : 'varchar(255)')})`} as k, ${int(k.threshold)} as t`
          : sql`select ${k.key}, ${int(k.threshold)}`,
      ),
      sql` union all `,
    );
    const keyList = sql.join(keys.map((k) => sql`${k.key}`));
    const thresholdOf = sql`case ${col('limit_key')} ${sql.join(
      keys.map((k) => sql`when ${k.key} then ${int(k.threshold)}`),
      sql` `,
    )} end`;
    const locked = (prefix: string) =>
      sql`${sql.ref(`${prefix}until_ms`)} > ${int(now)} and ${sql.ref(`${prefix}expires_at_ms`)} > ${int(now)}`;
    const noneLocked = sql`not exists (select 1 from ${table} r where r.limit_key in (${keyList}) and ${locked('r.')})`;
    const insertValues = sql`select v.k, 1, ${lockEnd(sql`1`, sql`v.t`, policy, now)}, ${int(expires)}, ${stamp}
      from (${rows}) v where ${noneLocked}`;
    let statement: RawBuilder<{ limit_key: string; stamp: string }>;
    if (mysql) {
      // MariaDB applies the assignments left to right, each seeing the ones before: the row's
      // own lock decides first, and the stamp then tells the later ones whether it did.
      const own = sql`until_ms > ${int(now)} and expires_at_ms > ${int(now)}`;
      const mine = sql`stamp = ${stamp}`;
      statement = sql`insert into ${table} (limit_key, counter, until_ms, expires_at_ms, stamp)
        ${insertValues}
        on duplicate key update
          counter = if(${own}, counter, if(expires_at_ms <= ${int(now)}, 1, counter + 1)),
          stamp = if(${own}, stamp, ${stamp}),
          until_ms = if(${mine}, ${lockEnd(sql`counter`, thresholdOf, policy, now)}, until_ms),
          expires_at_ms = if(${mine}, ${int(expires)}, expires_at_ms)
        returning limit_key, stamp`;
    } else {
      const next = sql`case when ${col('expires_at_ms')} <= ${int(now)} then 1 else ${col('counter')} + 1 end`;
      statement = sql`insert into ${table} (limit_key, counter, until_ms, expires_at_ms, stamp)
        ${insertValues}
        on conflict (limit_key) do update set
          counter = ${next},
          until_ms = ${lockEnd(next, thresholdOf, policy, now)},
          expires_at_ms = ${int(expires)},
          stamp = ${stamp}
        where not (${locked(`${RATE_LIMIT_TABLE}.`)})
        returning limit_key, stamp`;
    }
    const counted = await guard(async () => (await statement.execute(db)).rows);
    await maybePurge();
    const ours = new Set(counted.filter((row) => row.stamp === stamp).map((row) => row.limit_key));
    if (keys.every((k) => ours.has(k.key))) return { allowed: true };
    const lock = await guard(() =>
      db
        .selectFrom(RATE_LIMIT_TABLE)
        .select(['limit_key', 'until_ms'])
        .where(
          'limit_key',
          'in',
          keys.map((k) => k.key),
        )
        .where('until_ms', '>', now)
        .where('expires_at_ms', '>', now)
        .orderBy('until_ms', 'desc')
        .executeTakeFirst(),
    );
    // A lock that ended between the two statements: the attempt may go ahead.
    if (!lock) return { allowed: true };
    return { allowed: false, lockedUntil: Number(lock.until_ms), key: lock.limit_key };
  }

  return Object.freeze({
    hit,
    attempt,
    async reset(keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      await guard(() =>
        db
          .deleteFrom(RATE_LIMIT_TABLE)
          .where('limit_key', 'in', [...keys])
          .execute(),
      );
    },
    purgeExpired,
  });
}

/** Migration `0007_create_rate_limit`: the table and its expiry index. */
export async function createRateLimitTable(ctx: MigrationContext): Promise<void> {
  const { db, dialect } = ctx;
  await ctx.run(
    db.schema
      .createTable(RATE_LIMIT_TABLE)
      .ifNotExists()
      .addColumn('limit_key', 'varchar(255)', (col) => col.primaryKey().notNull())
      .addColumn('counter', 'bigint', (col) => col.notNull())
      .addColumn('until_ms', 'bigint', (col) => col.notNull())
      .addColumn('expires_at_ms', 'bigint', (col) => col.notNull())
      .addColumn('stamp', 'varchar(32)', (col) => col.notNull())
      // Binary on MySQL: keys compare exactly, as everywhere else.
      .$call((t) =>
        dialect === 'mysql'
          ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`)
          : t,
      ),
  );
  const name = `ix_${RATE_LIMIT_TABLE}_expires_at_ms`;
  if (dialect === 'mysql' && (await mysqlIndexExists(db, RATE_LIMIT_TABLE, name))) return;
  const index = db.schema.createIndex(name).on(RATE_LIMIT_TABLE).column('expires_at_ms');
  await ctx.run(dialect === 'mysql' ? index : index.ifNotExists());
}

/** Undoes `createRateLimitTable`. */
export async function dropRateLimitTable(ctx: MigrationContext): Promise<void> {
  await ctx.run(ctx.db.schema.dropTable(RATE_LIMIT_TABLE).ifExists());
}
