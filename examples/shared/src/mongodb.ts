import {
  createMongoAccessTokenStore,
  createMongoMfaStore,
  createMongoPasskeyStore,
  createMongoUserStore,
  ensureIndexes,
} from '@portcullis/mongodb';
import { MongoClient } from 'mongodb';
import type { DemoDatabase } from './database';
import { SettingsError } from './settings';

// The demo's session lifetime (LIFETIME_SECONDS in demo.ts): the TTL index drops older tokens.
const TOKEN_LIFETIME_SECONDS = 3600;
// A demo that cannot reach its database must say so and exit, not wait on a dead host; during
// an outage the driver gives up within the same bound (the stores also bound each call at 5 s).
const TIMEOUT_MS = 5000;

/** The URL with its password shown as `***`. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * `DATABASE_URL=mongodb://…` (or `mongodb+srv://…`): connects, creates the indexes the stores
 * rely on (case-insensitive unique email, unique token, TTL on sessions) and returns the
 * stores. The database is the URL's path (`mongodb://host/app`), `test` when it has none.
 */
export async function openMongo(url: string): Promise<DemoDatabase> {
  let client: MongoClient;
  try {
    client = new MongoClient(url, {
      serverSelectionTimeoutMS: TIMEOUT_MS,
      connectTimeoutMS: TIMEOUT_MS,
      // A connection that stops answering is closed, so the pool recovers with the server.
      socketTimeoutMS: TIMEOUT_MS,
    });
  } catch (error) {
    throw new SettingsError(`DATABASE_URL is not a valid MongoDB URL: ${(error as Error).message}`);
  }
  try {
    await client.connect();
    await ensureIndexes(client.db(), {
      accessTokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
      passkeys: true,
      mfa: true,
    });
  } catch (error) {
    await client.close().catch(() => undefined);
    const cause = (error as { cause?: unknown }).cause ?? error;
    const reason = (cause instanceof Error ? cause.message : String(cause)).replaceAll(
      url,
      redact(url),
    );
    throw new SettingsError(
      `DATABASE_URL: cannot use the MongoDB database at ${redact(url)}: ${reason}`,
    );
  }
  const db = client.db();
  return {
    users: createMongoUserStore(db),
    accessTokens: createMongoAccessTokenStore(db),
    mfa: createMongoMfaStore(db),
    passkeys: createMongoPasskeyStore(db),
    close: () => client.close(),
  };
}
