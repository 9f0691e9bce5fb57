#!/usr/bin/env node
// The `portcullis-sql` bin: `portcullis-sql migrate [--url URL] [--dry-run]`.
import { runSqlCli } from './internal/cli-run';

runSqlCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
