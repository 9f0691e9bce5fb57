import { defineConfig } from 'tsup';

export default defineConfig({
  // `cli` is the `portcullis-sql` bin; only the library gets type declarations.
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  // The drivers are the app's optional peers, loaded on first use only; devDependencies here,
  // which tsup would otherwise bundle (better-sqlite3's native addon and all).
  external: ['better-sqlite3', 'pg', 'mysql2'],
});
