import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Shared vitest settings. Tests import workspace packages from their sources, so a test run
 * never depends on a stale build; `PORTCULLIS_REPORT_DIR` (set by `npm test`) adds a JSON
 * report per package that the root script sums into `N passed, N failed`.
 */
export function vitestConfig(name: string, extra: ViteUserConfig['test'] = {}): ViteUserConfig {
  const reportDir = process.env.PORTCULLIS_REPORT_DIR;
  return {
    resolve: {
      alias: [
        {
          find: /^@portcullis\/core\/node$/,
          replacement: resolve(root, 'packages/core/src/node/index.ts'),
        },
        {
          find: /^@portcullis\/core\/adapter$/,
          replacement: resolve(root, 'packages/core/src/adapter.ts'),
        },
        {
          find: /^@portcullis\/core\/(openapi|fields)$/,
          replacement: join(root, 'packages/core/src/$1.ts'),
        },
        {
          find: /^@portcullis\/(core|sql|fastify|testing|express|koa|redis|mongodb|oauth|passkeys)$/,
          replacement: join(root, 'packages/$1/src/index.ts'),
        },
      ],
    },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 20_000,
      hookTimeout: 30_000,
      reporters: reportDir ? ['default', 'json'] : ['default'],
      outputFile: reportDir ? { json: join(reportDir, `${name}.json`) } : undefined,
      ...extra,
    },
  };
}
