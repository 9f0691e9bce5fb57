// The published packages and their entry points, in the order the docs list them.
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const docsRoot = fileURLToPath(new URL('..', import.meta.url));

export interface PackageEntry {
  /** The import specifier. */
  name: string;
  /** The entry's source, relative to the repository root. */
  source: string;
  /** The package folder, relative to the repository root. */
  dir: string;
  /** The built declarations of the entry (what users of the package compile against). */
  types: string;
}

export const packageEntries: PackageEntry[] = [
  {
    name: '@portcullis/core',
    source: 'packages/core/src/index.ts',
    dir: 'packages/core',
    types: 'packages/core/dist/index.d.ts',
  },
  {
    name: '@portcullis/core/node',
    source: 'packages/core/src/node/index.ts',
    dir: 'packages/core',
    types: 'packages/core/dist/node/index.d.ts',
  },
  {
    name: '@portcullis/core/adapter',
    source: 'packages/core/src/adapter.ts',
    dir: 'packages/core',
    types: 'packages/core/dist/adapter.d.ts',
  },
  {
    name: '@portcullis/core/openapi',
    source: 'packages/core/src/openapi.ts',
    dir: 'packages/core',
    types: 'packages/core/dist/openapi.d.ts',
  },
  {
    name: '@portcullis/core/fields',
    source: 'packages/core/src/fields.ts',
    dir: 'packages/core',
    types: 'packages/core/dist/fields.d.ts',
  },
  {
    name: '@portcullis/fastify',
    source: 'packages/fastify/src/index.ts',
    dir: 'packages/fastify',
    types: 'packages/fastify/dist/index.d.ts',
  },
  {
    name: '@portcullis/express',
    source: 'packages/express/src/index.ts',
    dir: 'packages/express',
    types: 'packages/express/dist/index.d.ts',
  },
  {
    name: '@portcullis/koa',
    source: 'packages/koa/src/index.ts',
    dir: 'packages/koa',
    types: 'packages/koa/dist/index.d.ts',
  },
  {
    name: '@portcullis/sql',
    source: 'packages/sql/src/index.ts',
    dir: 'packages/sql',
    types: 'packages/sql/dist/index.d.ts',
  },
  {
    name: '@portcullis/mongodb',
    source: 'packages/mongodb/src/index.ts',
    dir: 'packages/mongodb',
    types: 'packages/mongodb/dist/index.d.ts',
  },
  {
    name: '@portcullis/redis',
    source: 'packages/redis/src/index.ts',
    dir: 'packages/redis',
    types: 'packages/redis/dist/index.d.ts',
  },
  {
    name: '@portcullis/oauth',
    source: 'packages/oauth/src/index.ts',
    dir: 'packages/oauth',
    types: 'packages/oauth/dist/index.d.ts',
  },
  {
    name: '@portcullis/passkeys',
    source: 'packages/passkeys/src/index.ts',
    dir: 'packages/passkeys',
    types: 'packages/passkeys/dist/index.d.ts',
  },
  {
    name: '@portcullis/testing',
    source: 'packages/testing/src/index.ts',
    dir: 'packages/testing',
    types: 'packages/testing/dist/index.d.ts',
  },
];
