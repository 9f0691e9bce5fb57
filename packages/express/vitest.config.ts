import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared.ts';

export default defineConfig(
  vitestConfig('express', { typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] } }),
);
