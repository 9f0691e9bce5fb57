import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../vitest.shared.ts';

// The site build and the browser check take most of the time: give their hooks room.
export default defineConfig(
  vitestConfig('docs', {
    testTimeout: 120_000,
    hookTimeout: 240_000,
    include: ['test/**/*.test.ts'],
  }),
);
