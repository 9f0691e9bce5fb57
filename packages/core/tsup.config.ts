import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  // No `shims`: they would add `import path from 'path'` and `import { fileURLToPath } from
  // 'url'` to the chunk the main entry shares, so importing core would load Node modules on
  // every runtime. The one module that needs its own location (node/docs-assets.ts) reads
  // `__filename` in the CJS build and `import.meta.url` in the ESM build by itself.
  packageBuild({
    // zod is loaded on first use with `import('zod')` (docs/performance.md#import-cost). The CJS
    // build turns that into a deferred `require('zod')`, so a CJS app gets the same copy of zod
    // as `@portcullis/core/openapi` and `/fields` require, not zod's ESM build beside it.
    esbuildOptions(options, context) {
      if (context.format === 'cjs') options.supported = { 'dynamic-import': false };
    },
    entry: {
      index: 'src/index.ts',
      adapter: 'src/adapter.ts',
      'node/index': 'src/node/index.ts',
      'common-passwords': 'src/common-passwords.ts',
      openapi: 'src/openapi.ts',
      fields: 'src/fields.ts',
    },
  }),
);
