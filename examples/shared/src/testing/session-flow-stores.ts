import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisSessionStore } from '@portcullis/redis';
import {
  createSqlSessionStore,
  createSqlUserStore,
  migrateToLatest,
  openSqlDatabase,
  openSqlite,
} from '@portcullis/sql';
import type { SessionFlowStores } from '@portcullis/testing';
import { type Kysely, sql } from 'kysely';
import { openRedis } from '../redis';
import { postgresSchema } from './load-balancer';

const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL || 'postgres://postgres:postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** Every row of every table, as JSON text: what a database dump would show. */
async function dumpSql(db: Kysely<unknown>): Promise<string> {
  const tables = await db.introspection.getTables();
  const rows: unknown[] = [];
  for (const table of tables) {
    const result = await sql`select * from ${sql.table(table.name)}`.execute(db);
    rows.push({ table: table.name, rows: result.rows });
  }
  return JSON.stringify(rows);
}

/** A fresh SQLite file with the demo's tables: session and user stores on it. */
export async function sqliteFlowStores(): Promise<SessionFlowStores> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-flow-'));
  const db = openSqlite(join(dir, 'app.db'));
  await migrateToLatest(db);
  return {
    sessions: createSqlSessionStore(db),
    users: createSqlUserStore(db),
    dump: () => dumpSql(db as Kysely<unknown>),
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh PostgreSQL schema (TEST_POSTGRES_URL) with the demo's tables. */
export async function postgresFlowStores(): Promise<SessionFlowStores> {
  const schema = await postgresSchema(POSTGRES_URL);
  const db = openSqlDatabase(schema.url);
  await migrateToLatest(db);
  return {
    sessions: createSqlSessionStore(db),
    users: createSqlUserStore(db),
    dump: () => dumpSql(db as Kysely<unknown>),
    async close() {
      await db.destroy();
      await schema.drop();
    },
  };
}

/** Sessions in Redis (TEST_REDIS_URL) under a key prefix of their own; users on SQLite. */
export async function redisFlowStores(): Promise<SessionFlowStores> {
  const sqlite = await sqliteFlowStores();
  const { redis, close } = await openRedis(REDIS_URL, () => undefined);
  const prefix = `pc_flow_${Date.now().toString(36)}:`;
  return {
    sessions: createRedisSessionStore({ redis, keyPrefix: prefix }),
    users: sqlite.users,
    async dump() {
      const entries: unknown[] = [];
      for (const key of await redis.keys(`${prefix}*`)) {
        const type = await redis.type(key);
        let value: unknown = null;
        if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'zset') value = await redis.zrange(key, '0', '-1');
        else if (type === 'string') value = await redis.get(key);
        entries.push({ key, type, value });
      }
      return JSON.stringify(entries);
    },
    async close() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await close();
      await sqlite.close?.();
    },
  };
}
