import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../vitest.shared.ts';

// The slice starts three demo processes and sends a few thousand requests to each.
export default defineConfig(vitestConfig('fuzz', { testTimeout: 240_000, hookTimeout: 120_000 }));
