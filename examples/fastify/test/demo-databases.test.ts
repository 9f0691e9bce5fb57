import { fileURLToPath } from 'node:url';
import type { SqlDialectName } from '@portcullis/sql';
import { openSqlDatabase } from '@portcullis/sql';
import { httpContractSuite } from '@portcullis/testing';
import { sql } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import {
  contractTarget,
  type RunningDemo,
  startDemo,
  startExpectingFailure,
} from '../../shared/src/testing/demo-process';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const SERVERS = {
  postgres: {
    name: 'PostgreSQL',
    url: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test',
  },
  mysql: {
    name: 'MariaDB',
    url: process.env.TEST_MYSQL_URL ?? 'mysql://test:test@127.0.0.1:3306/test',
  },
} as const;

/** A database of its own for one demo run on the shared server, dropped afterwards. */
interface OwnDatabase {
  url: string;
  /** Whether the demo created its tables. */
  hasUserTable(): Promise<boolean>;
  drop(): Promise<void>;
}

async function createOwnDatabase(dialect: 'postgres' | 'mysql'): Promise<OwnDatabase> {
  const name = `pc_demo_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  const admin = openSqlDatabase(SERVERS[dialect].url);
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(SERVERS[dialect].url);
  url.pathname = `/${name}`;
  const own = openSqlDatabase(url.toString());
  return {
    url: url.toString(),
    async hasUserTable() {
      const tables = await own.introspection.getTables();
      return tables.some((t) => t.name === 'user');
    },
    async drop() {
      await own.destroy();
      // PostgreSQL refuses to drop a database with sessions left; the demo has exited by now.
      const force = dialect === 'postgres' ? sql` with (force)` : sql``;
      await sql`drop database if exists ${sql.id(name)}${force}`.execute(admin);
      await admin.destroy();
    },
  };
}

for (const dialect of ['postgres', 'mysql'] as const) {
  const server = SERVERS[dialect];
  let database: OwnDatabase | undefined;
  let demo: RunningDemo | undefined;
  afterAll(async () => {
    await demo?.stop();
    await database?.drop();
  });

  httpContractSuite({
    name: `fastify demo on ${server.name} (DATABASE_URL=${dialect}://…)`,
    mfa: true,
    async target() {
      database = await createOwnDatabase(dialect);
      demo = await startDemo(appDir, { DATABASE_URL: database.url });
      return contractTarget(demo);
    },
  });

  describe(`the fastify demo on ${server.name}`, () => {
    test('created its tables on first start', async () => {
      expect(database, 'the contract suite started the demo').toBeDefined();
      expect(await database?.hasUserTable()).toBe(true);
    });
  });
}

describe('the fastify demo with an unusable server DATABASE_URL', () => {
  const cases: [SqlDialectName, string, RegExp][] = [
    // Nothing listens on port 9 (discard): refused at once.
    ['postgres', 'postgres://app:hunter2-secret@127.0.0.1:9/app', /ECONNREFUSED/],
    ['mysql', 'mysql://app:hunter2-secret@127.0.0.1:9/app', /ECONNREFUSED/],
    ['postgres', 'postgresql://app:hunter2-secret@[::1/app', /not a valid URL/],
  ];
  test.each(cases)(
    'refuses to start on %s with a clear message and no password (%s)',
    async (_dialect, url, reason) => {
      const result = await startExpectingFailure(appDir, { DATABASE_URL: url });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/^error: DATABASE_URL/m);
      expect(result.stderr).toMatch(reason);
      expect(result.stderr).toContain('***');
      expect(result.stderr).not.toContain('hunter2');
    },
    60_000,
  );
});
