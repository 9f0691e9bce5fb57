// `pnpm --dir docs generate` (also the first step of `dev` and `build`): writes the generated
// reference. Committed: reference/error-codes.md and reference/options.md (the docs tests
// regenerate them and fail on a difference). Git-ignored: reference/http-routes.md,
// public/openapi.json and reference/api/.
//
//   node --import tsx/esm scripts/generate.ts [--tables-only | --skip-tables]
// --skip-tables leaves the committed tables alone (the docs tests build the site that way, so
// the test that compares them with a fresh rendering still sees what is committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApi } from './api';
import { renderErrorCodes } from './error-codes';
import { renderHttpRoutes } from './http-routes';
import { buildDemoOpenApi } from './openapi';
import { renderOptionsTable } from './options-table';
import { docsRoot } from './packages';

const tablesOnly = process.argv.includes('--tables-only');
const started = Date.now();
const write = (relativePath: string, text: string): void => {
  const path = join(docsRoot, relativePath);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  process.stdout.write(`wrote docs/${relativePath}\n`);
};

const skipTables = process.argv.includes('--skip-tables');
if (!skipTables) {
  write('reference/error-codes.md', await renderErrorCodes());
  write('reference/options.md', renderOptionsTable());
}
if (!tablesOnly) {
  const openapi = await buildDemoOpenApi();
  write('public/openapi.json', `${JSON.stringify(openapi, null, 2)}\n`);
  write('reference/http-routes.md', renderHttpRoutes(openapi));
  await generateApi();
  process.stdout.write('wrote docs/reference/api/\n');
}
process.stdout.write(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
