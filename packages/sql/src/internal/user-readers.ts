import type { User, UserStore } from '@portcullis/core';
import type { ResolvedSchema } from '../schema';
import type { CustomColumn } from './rows';

/**
 * How a user store made by `createSqlUserStore` reads its rows, so that a session store given
 * that store (`createSqlSessionStore(db, { users })`) can join the user row into its own query
 * and still map it exactly as the user store does (custom fields, `oauth_accounts`).
 */
export interface SqlUserReader {
  readonly schema: ResolvedSchema;
  /** The columns the store maps, besides `id`: the built-in ones, then the custom ones. */
  readonly columns: readonly string[];
  readonly customColumns: readonly CustomColumn[];
  /** A row of the user table (at least `id` and `columns`) as the store returns it. */
  toUser(row: Readonly<Record<string, unknown>>): Promise<User>;
  /** `toUser` without waiting, or null when the user needs another read (`oauth_accounts`). */
  toUserNow(row: Readonly<Record<string, unknown>>): User | null;
}

const readers = new WeakMap<object, SqlUserReader>();

export function registerUserReader(store: UserStore, reader: SqlUserReader): void {
  readers.set(store, reader);
}

/** The reader of a store `createSqlUserStore` made; undefined for any other object. */
export function userReaderOf(store: unknown): SqlUserReader | undefined {
  return typeof store === 'object' && store !== null ? readers.get(store) : undefined;
}
