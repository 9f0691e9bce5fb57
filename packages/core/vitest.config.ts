import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared.ts';

export default defineConfig(
  vitestConfig('core', { typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] } }),
);
