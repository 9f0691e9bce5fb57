import type { Options } from 'tsup';

/**
 * The build every published package shares: ESM + CJS with their own `.d.ts`/`.d.cts`, for
 * Node 20, from `tsconfig.build.json` (no workspace path aliases, so declarations import the
 * other packages by name).
 */
export function packageBuild(extra: Options = {}): Options {
  return {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...extra,
  };
}
