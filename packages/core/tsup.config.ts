import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  // `shims` gives the CJS build of the docs-assets reader a working `import.meta.url`.
  packageBuild({
    entry: {
      index: 'src/index.ts',
      adapter: 'src/adapter.ts',
      'node/index': 'src/node/index.ts',
      'common-passwords': 'src/common-passwords.ts',
    },
    shims: true,
  }),
);
