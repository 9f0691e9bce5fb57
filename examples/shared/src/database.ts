import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AccessTokenStore, UserStore } from '@portcullis/core';
import {
  createSqlAccessTokenStore,
  createSqlUserStore,
  migrateToLatest,
  openSqlite,
} from '@portcullis/sql';
import { SettingsError } from './settings';

export interface DemoDatabase {
  users: UserStore;
  accessTokens: AccessTokenStore;
  close(): Promise<void>;
}

/**
 * Opens the store DATABASE_URL names and creates its tables on first start. A malformed or
 * unreachable URL is a SettingsError with a message fit for a person.
 */
export async function openDatabase(url: string): Promise<DemoDatabase> {
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase();
  if (scheme !== 'sqlite') {
    if (['postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'mongodb+srv'].includes(scheme)) {
      throw new SettingsError(
        `DATABASE_URL: ${scheme} is not supported by this version of the demo yet`,
      );
    }
    throw new SettingsError(
      'DATABASE_URL must look like sqlite:<path>, postgres://…, mysql://… or mongodb://…',
    );
  }
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
  return {
    users: createSqlUserStore(db),
    accessTokens: createSqlAccessTokenStore(db),
    close: () => db.destroy(),
  };
}
