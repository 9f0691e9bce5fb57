import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSqlCli } from '../src/internal/cli-run';
import { readColumns } from '../src/internal/introspect';
import { createTestDatabase, shippedMigrations, type TestDatabase } from './databases';

async function cli(
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runSqlCli(argv, {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('portcullis-sql migrate', () => {
  const databases: TestDatabase[] = [];
  let sqlite: TestDatabase;
  let postgres: TestDatabase;

  beforeAll(async () => {
    sqlite = await createTestDatabase('sqlite');
    postgres = await createTestDatabase('postgres');
    databases.push(sqlite, postgres);
  });
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('prints the SQL of a dry run and creates nothing, not even the history table', async () => {
    const result = await cli(['migrate', '--dry-run', '--url', postgres.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('-- 0001_create_user\n');
    expect(result.stdout).toContain('create table if not exists "user" ("id" uuid not null');
    expect(result.stdout).toContain('"created_at" timestamptz not null');
    const db = postgres.open();
    expect(await readColumns(db, 'postgres', 'user')).toBeNull();
    expect(await readColumns(db, 'postgres', 'portcullis_migration')).toBeNull();
  });

  it('creates no SQLite file in a dry run', async () => {
    const url = sqlite.url.replace('app.db', 'not-yet.db');
    const result = await cli(['migrate', '--dry-run', '--url', url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('create table if not exists "user"');
    expect(existsSync(url.slice('sqlite:'.length))).toBe(false);
  });

  it('applies the migrations from DATABASE_URL, then reports the database up to date', async () => {
    const first = await cli(['migrate'], { DATABASE_URL: sqlite.url });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const all = await shippedMigrations();
    expect(all.slice(0, 4)).toEqual([
      '0001_create_user',
      '0002_create_oauth_account',
      '0003_create_accesstoken',
      '0004_adopt_existing_tables',
    ]);
    expect(first.stdout).toBe(all.map((name) => `applied ${name}\n`).join(''));
    expect((await cli(['migrate'], { DATABASE_URL: sqlite.url })).stdout).toBe(
      'up to date: no pending migrations\n',
    );
    const dry = await cli(['migrate', '--dry-run', '--url', sqlite.url]);
    expect(dry.stdout).toBe('-- up to date: no pending migrations\n');
  });

  it('honours the table and id options', async () => {
    const result = await cli([
      'migrate',
      '--url',
      postgres.url,
      '--id-type',
      'integer',
      '--user-table',
      'members',
      '--oauth-account-table',
      'member_oauth',
      '--access-token-table',
      'member_tokens',
      '--migration-table',
      'member_migration',
    ]);
    expect(result.code).toBe(0);
    const members = await readColumns(postgres.open(), 'postgres', 'members');
    expect(members?.get('id')?.dataType).toBe('integer');
    expect(await readColumns(postgres.open(), 'postgres', 'member_migration')).not.toBeNull();
  });

  it('exits 2 with the usage on bad arguments or without a database', async () => {
    for (const argv of [[], ['upgrade'], ['migrate', '--bogus'], ['migrate', '--id-type', 'x']]) {
      const result = await cli([...argv, ...(argv.length > 0 ? ['--url', sqlite.url] : [])]);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toContain('usage: portcullis-sql migrate');
    }
    const missing = await cli(['migrate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('pass --url or set DATABASE_URL');
    expect((await cli(['migrate', '--url', 'oracle://db/x'])).code).toBe(2);
  });

  it('exits 1 with SERVICE_UNAVAILABLE when unreachable, hiding the password', async () => {
    const result = await cli(['migrate', '--url', 'postgres://app:sekrit-pw@127.0.0.1:9/app']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SERVICE_UNAVAILABLE');
    expect(result.stderr).not.toContain('sekrit-pw');
  });
});
