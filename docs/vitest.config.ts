import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../vitest.shared.ts';

// The site build (in child processes) and the two TypeScript checks overlap best on two
// workers; their hooks get room for a slow, shared machine.
export default defineConfig(
  vitestConfig('docs', {
    testTimeout: 120_000,
    hookTimeout: 240_000,
    include: ['test/**/*.test.ts'],
    maxWorkers: 2,
  }),
);
