import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isPortcullisError } from '@portcullis/core';
import { redactDatabaseUrl } from '../connect-options';
import type { SqlMigrationOptions } from '../migrations';
import { migrateToLatest, planMigrations } from '../migrations';
import { dialectOfUrl, openSqlDatabase, sqlitePathOfUrl } from '../open-database';
import type { SqlIdType } from '../schema';

/** How long one migration statement may run from the command line: ten minutes. */
const MIGRATION_TIMEOUT_MS = 600_000;

export const USAGE = `usage: portcullis-sql migrate [--url DATABASE_URL] [--dry-run]
  [--id-type uuid|integer] [--user-table NAME] [--oauth-account-table NAME]
  [--access-token-table NAME] [--migration-table NAME]

Creates or upgrades the Portcullis tables. --url defaults to $DATABASE_URL
(postgres://…, mysql://…, mariadb://…, sqlite:<path>). --dry-run prints the SQL
the pending migrations would run and changes nothing.`;

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

interface Parsed {
  url: string;
  dryRun: boolean;
  options: SqlMigrationOptions;
}

function parse(argv: string[], io: CliIo): Parsed | string {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'id-type': { type: 'string' },
      'user-table': { type: 'string' },
      'oauth-account-table': { type: 'string' },
      'access-token-table': { type: 'string' },
      'migration-table': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1 || positionals[0] !== 'migrate') return 'the command is "migrate"';
  const url = values.url ?? io.env.DATABASE_URL ?? '';
  if (url === '') return 'no database: pass --url or set DATABASE_URL';
  if (dialectOfUrl(url) === null) {
    return 'the URL must start with postgres://, postgresql://, mysql://, mariadb:// or sqlite:';
  }
  const idType = values['id-type'];
  if (idType !== undefined && idType !== 'uuid' && idType !== 'integer') {
    return '--id-type must be uuid or integer';
  }
  const tables = {
    ...(values['user-table'] ? { user: values['user-table'] } : {}),
    ...(values['oauth-account-table'] ? { oauthAccount: values['oauth-account-table'] } : {}),
    ...(values['access-token-table'] ? { accessToken: values['access-token-table'] } : {}),
  };
  const options: SqlMigrationOptions = { tables };
  if (idType !== undefined) options.idType = idType as SqlIdType;
  if (values['migration-table']) options.migrationTableName = values['migration-table'];
  return { url, dryRun: values['dry-run'] === true, options };
}

function describeError(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = isPortcullisError(error) ? `${error.code}: ` : '';
  const cause = isPortcullisError(error) && error.cause instanceof Error ? error.cause.message : '';
  const detail = cause && cause !== message ? ` (${cause})` : '';
  // Driver messages may quote the URL; never print its password.
  return `${code}${message}${detail}`.replaceAll(url, redactDatabaseUrl(url));
}

/**
 * The `portcullis-sql` command: `migrate` applies the pending migrations, or with `--dry-run`
 * prints their SQL. Resolves the exit code: 0 done, 1 the database failed, 2 bad usage.
 */
export async function runSqlCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: Parsed | string;
  try {
    parsed = parse(argv, io);
  } catch (error) {
    parsed = (error as Error).message;
  }
  if (parsed === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof parsed === 'string') {
    io.stderr.write(`error: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  const { url, dryRun, options } = parsed;
  let db: ReturnType<typeof openSqlDatabase> | undefined;
  try {
    // Opening a SQLite file creates it: a dry run of a file not there yet plans against an
    // empty database in memory instead, which is what the file would start as.
    const missingFile = dialectOfUrl(url) === 'sqlite' && !existsSync(sqlitePathOfUrl(url));
    // A migration may rebuild an index on a large table: statements get minutes, not the
    // 5 s a request gets.
    db = openSqlDatabase(dryRun && missingFile ? 'sqlite::memory:' : url, {
      connectTimeoutMs: 10_000,
      queryTimeoutMs: MIGRATION_TIMEOUT_MS,
    });
    if (dryRun) {
      const plan = await planMigrations(db, options);
      if (plan.pending.length === 0) io.stdout.write('-- up to date: no pending migrations\n');
      let current = '';
      for (const statement of plan.statements) {
        if (statement.migration !== current) {
          current = statement.migration;
          io.stdout.write(`-- ${current}\n`);
        }
        const params =
          statement.parameters.length > 0
            ? ` -- parameters: ${JSON.stringify(statement.parameters)}`
            : '';
        io.stdout.write(`${statement.sql};${params}\n`);
      }
      return 0;
    }
    const applied = await migrateToLatest(db, options);
    io.stdout.write(
      applied.length === 0
        ? 'up to date: no pending migrations\n'
        : applied.map((name) => `applied ${name}\n`).join(''),
    );
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${describeError(error, url)}\n`);
    return 1;
  } finally {
    await db?.destroy().catch(() => undefined);
  }
}
