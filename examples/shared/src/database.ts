import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type {
  MfaStore,
  PasskeyStore,
  RateLimitStore,
  SessionStore,
  UserStore,
} from '@portcullis/core';
import { isPortcullisError } from '@portcullis/core';
import type { PortcullisDatabase } from '@portcullis/sql';
import {
  createSqlMfaStore,
  createSqlPasskeyStore,
  createSqlRateLimitStore,
  createSqlSessionStore,
  createSqlUserStore,
  dialectOfUrl,
  migrateToLatest,
  openSqlDatabase,
  openSqlite,
  redactDatabaseUrl,
} from '@portcullis/sql';
import type { Kysely } from 'kysely';
import { openMongo } from './mongodb';
import { SettingsError } from './settings';

export interface DemoDatabase {
  users: UserStore;
  /** Sessions of the `cookie` and `session` backends (docs/sessions.md). */
  sessions: SessionStore;
  /** Second factors (TOTP secrets, recovery codes, MFA token attempts). */
  mfa: MfaStore;
  /** Passkeys and their pending challenges. */
  passkeys: PasskeyStore;
  /** Limiter counters shared by every instance on this database (SQL only). */
  rateLimitStore?: RateLimitStore;
  close(): Promise<void>;
}

const NAMES = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB' } as const;

/** What went wrong, from the driver error under a store error; never the password. */
function reasonOf(error: unknown, url: string): string {
  let inner: unknown = error;
  if (isPortcullisError(error) && error.cause !== undefined) inner = error.cause;
  if (inner instanceof AggregateError && inner.errors[0] !== undefined) inner = inner.errors[0];
  const message = inner instanceof Error ? inner.message : String(inner);
  const fallback = isPortcullisError(error) ? error.message : 'unknown error';
  return (message || fallback).replaceAll(url, redactDatabaseUrl(url));
}

async function openSqliteFile(url: string): Promise<Kysely<PortcullisDatabase>> {
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (path === '')
    throw new SettingsError('DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/app.db');
  const file = path === ':memory:' ? path : resolve(path);
  let db: ReturnType<typeof openSqlite>;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = openSqlite(file);
    await migrateToLatest(db);
  } catch (error) {
    throw new SettingsError(
      `DATABASE_URL: cannot open the SQLite database at ${file}: ${(error as Error).message}`,
    );
  }
  return db;
}

/** PostgreSQL or MySQL/MariaDB: checked by running the migrations, which also create tables. */
async function openServer(
  url: string,
  dialect: 'postgres' | 'mysql',
): Promise<Kysely<PortcullisDatabase>> {
  const shown = redactDatabaseUrl(url);
  try {
    new URL(url);
  } catch {
    throw new SettingsError(`DATABASE_URL is not a valid URL: ${shown}`);
  }
  // The store's defaults bound every wait at 5 s: a demo that cannot reach its database says so
  // and exits instead of waiting on a dead host, and requests answer 503 during an outage.
  const db = openSqlDatabase(url);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    const reason = reasonOf(error, url);
    throw new SettingsError(
      `DATABASE_URL: cannot use the ${NAMES[dialect]} database at ${shown}: ${reason}`,
    );
  }
  return db;
}

/**
 * Opens the store DATABASE_URL names (`sqlite:<path>`, `postgres://…`, `postgresql://…`,
 * `mysql://…`, `mariadb://…`, `mongodb://…`) and creates its tables (or indexes) on first
 * start. A malformed or unreachable URL is a SettingsError with a message fit for a person (the
 * password shown as `***`).
 */
export async function openDatabase(url: string): Promise<DemoDatabase> {
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase();
  if (scheme === 'mongodb' || scheme === 'mongodb+srv') return openMongo(url);
  const dialect = dialectOfUrl(url);
  if (dialect === null) {
    throw new SettingsError(
      'DATABASE_URL must look like sqlite:<path>, postgres://…, mysql://… or mongodb://…',
    );
  }
  const db = dialect === 'sqlite' ? await openSqliteFile(url) : await openServer(url, dialect);
  // The OAuth callbacks refresh a user's linked accounts, so the store loads them.
  const users = createSqlUserStore(db, { withOAuthAccounts: true });
  return {
    users,
    // Given the user store, a cookie check reads the session and its user in one statement.
    sessions: createSqlSessionStore(db, { adoptedBackend: 'cookie', users }),
    mfa: createSqlMfaStore(db),
    passkeys: createSqlPasskeyStore(db),
    rateLimitStore: createSqlRateLimitStore(db),
    close: () => db.destroy(),
  };
}
