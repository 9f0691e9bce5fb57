// The tables, in drizzle's schema language: FastAPI Users' column names, so records go to the
// wire without renaming. SQLite here; the PostgreSQL and MySQL versions differ only in types.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
  'user',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    hashed_password: text('hashed_password').notNull(),
    is_active: integer('is_active', { mode: 'boolean' }).notNull().default(true),
    is_superuser: integer('is_superuser', { mode: 'boolean' }).notNull().default(false),
    is_verified: integer('is_verified', { mode: 'boolean' }).notNull().default(false),
  },
  // The database enforces case-insensitive uniqueness, so of two concurrent registrations
  // exactly one wins. SQLite's lower() folds ASCII letters only.
  (table) => [uniqueIndex('user_email_lower').on(sql`lower(${table.email})`)],
);

export const oauthAccounts = sqliteTable(
  'oauth_account',
  {
    id: text('id').primaryKey(),
    user_id: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    oauth_name: text('oauth_name').notNull(),
    access_token: text('access_token').notNull(),
    expires_at: integer('expires_at'),
    refresh_token: text('refresh_token'),
    account_id: text('account_id').notNull(),
    account_email: text('account_email').notNull(),
  },
  (table) => [index('oauth_account_lookup').on(table.oauth_name, table.account_id)],
);

export const accessTokens = sqliteTable('accesstoken', {
  token: text('token').primaryKey(),
  user_id: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  created_at: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** The DDL for the tables above (a real app generates migrations with drizzle-kit). */
export const createTables = `
  CREATE TABLE IF NOT EXISTS "user" (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    hashed_password TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    is_superuser INTEGER NOT NULL DEFAULT 0,
    is_verified INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX IF NOT EXISTS user_email_lower ON "user" (lower(email));
  CREATE TABLE IF NOT EXISTS oauth_account (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    oauth_name TEXT NOT NULL,
    access_token TEXT NOT NULL,
    expires_at INTEGER,
    refresh_token TEXT,
    account_id TEXT NOT NULL,
    account_email TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS oauth_account_lookup ON oauth_account (oauth_name, account_id);
  CREATE TABLE IF NOT EXISTS accesstoken (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
  );
`;
