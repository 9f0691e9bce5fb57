import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  // No `shims`: they would add `import path from 'path'` and `import { fileURLToPath } from
  // 'url'` to the chunk the main entry shares, so importing core would load Node modules on
  // every runtime. The one module that needs its own location (node/docs-assets.ts) reads
  // `__filename` in the CJS build and `import.meta.url` in the ESM build by itself.
  packageBuild({
    entry: { index: 'src/index.ts', adapter: 'src/adapter.ts', 'node/index': 'src/node/index.ts' },
  }),
);
