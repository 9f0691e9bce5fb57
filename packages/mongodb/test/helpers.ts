import { randomUUID } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';

/**
 * A real server, only when TEST_MONGODB_URL is set (none can be installed on our CI machines;
 * see the README). Each run gets its own database, dropped afterwards.
 */
export const MONGODB_URL = process.env.TEST_MONGODB_URL || '';

export async function openRealDb(): Promise<{ db: Db; close(): Promise<void> }> {
  const client = await MongoClient.connect(MONGODB_URL, { serverSelectionTimeoutMS: 5000 });
  const db = client.db(`portcullis_test_${randomUUID().replaceAll('-', '')}`);
  return {
    db,
    async close() {
      await db.dropDatabase();
      await client.close();
    },
  };
}

/** A password hash as FastAPI Users stores it; the stores never interpret it. */
export const HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
