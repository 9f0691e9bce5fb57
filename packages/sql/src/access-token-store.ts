import type { AccessTokenRecord, AccessTokenStore, UserId } from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { detectDialect } from './dialect';
import { toStoreError } from './errors';
import { idCodecFor } from './id';
import { decodeId } from './internal/rows';
import { fromSqlTimestamp, toSqlTimestamp } from './internal/timestamp';
import type { AccessTokenTable, SqlSchemaOptions } from './schema';
import { asPortcullisDb, resolveSchema } from './schema';

/** Table names and id type, the same values given to `migrateToLatest`. */
export type SqlAccessTokenStoreOptions = SqlSchemaOptions;

/**
 * An `AccessTokenStore` for the database strategy, on the `accesstoken` table. `created_at`
 * is set by the store at insert: TIMESTAMPTZ on PostgreSQL, UTC in a DATETIME(6) on
 * MySQL/MariaDB, UTC text on SQLite (`YYYY-MM-DD HH:MM:SS.ffffff`, FastAPI Users' layout); it
 * comes back as a `Date`. Tokens compare exactly (binary collation on MySQL). `delete` is one
 * `DELETE … WHERE token = ?`, so of two concurrent logouts exactly one reports `true`.
 *
 * @deprecated Give the database strategy `createSqlSessionStore(db)`: the same table, with
 *   sessions that can be listed and tokens hashed at rest (docs/sessions-storage.md). Rows this
 *   store writes are sessions to the session store.
 * @example
 * ```ts
 * const tokens = createSqlAccessTokenStore(db);
 * await tokens.create({ token, user_id: user.id });
 * const maxAge = new Date(Date.now() - 3600_000);
 * await tokens.getByToken(token, maxAge); // null once the token is over an hour old
 * ```
 */
export function createSqlAccessTokenStore<DB>(
  database: Kysely<DB>,
  options: SqlAccessTokenStoreOptions = {},
): AccessTokenStore {
  const db = asPortcullisDb(database);
  const schema = resolveSchema(options);
  const dialect = detectDialect(db, options.dialect);
  const codec = idCodecFor(schema.idType);
  const table = schema.tables.accessToken;
  // PostgreSQL binds a Date as an instant. mysql2 would render one in the connection's time
  // zone, and better-sqlite3 cannot bind one: both get UTC text.
  const stamp = (date: Date): string | Date =>
    dialect === 'postgres' ? date : toSqlTimestamp(date);
  // mysql2 reads DATETIME into a Date in the client's time zone; as text it is read as UTC.
  const createdAt =
    dialect === 'mysql'
      ? sql<string>`cast(${sql.ref('created_at')} as char)`.as('created_at')
      : sql.ref<string | Date>('created_at').as('created_at');

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  function toRecord(
    row: Pick<Selectable<AccessTokenTable>, 'token' | 'user_id' | 'created_at'>,
  ): AccessTokenRecord | null {
    const createdAt = fromSqlTimestamp(row.created_at);
    // A row whose timestamp cannot be read cannot be checked against a lifetime: unusable.
    if (createdAt === null) return null;
    return { token: row.token, user_id: decodeId(row.user_id, codec), created_at: createdAt };
  }

  return Object.freeze({
    getByToken(token: string, maxAge?: Date): Promise<AccessTokenRecord | null> {
      if (typeof token !== 'string' || token.includes('\u0000')) return Promise.resolve(null);
      if (maxAge !== undefined && Number.isNaN(maxAge.getTime())) return Promise.resolve(null);
      return guard(async () => {
        let query = db
          .selectFrom(table)
          .select(['token', 'user_id', createdAt])
          .where('token', '=', token);
        if (maxAge !== undefined) query = query.where('created_at', '>=', stamp(maxAge));
        const row = await query.executeTakeFirst();
        return row === undefined ? null : toRecord(row);
      });
    },

    create(data: { token: string; user_id: UserId }): Promise<AccessTokenRecord> {
      const userId = codec.parse(data.user_id);
      if (userId === null) {
        return Promise.reject(
          new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'Not a user id of this store'),
        );
      }
      const createdAt = new Date();
      return guard(async () => {
        await db
          .insertInto(table)
          .values({ token: data.token, user_id: userId, created_at: stamp(createdAt) })
          .execute();
        return { token: data.token, user_id: userId, created_at: createdAt };
      });
    },

    delete(token: string): Promise<boolean> {
      if (typeof token !== 'string' || token.includes('\u0000')) return Promise.resolve(false);
      return guard(async () => {
        const result = await db.deleteFrom(table).where('token', '=', token).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    deleteAllForUser(userId: UserId): Promise<number> {
      const id = codec.parse(userId);
      if (id === null) return Promise.resolve(0);
      return guard(async () => {
        const result = await db.deleteFrom(table).where('user_id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
  });
}
