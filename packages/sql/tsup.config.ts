import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  // openSqlite loads the app's better-sqlite3 on first use; it is a devDependency here, which
  // tsup would otherwise bundle (native addon and all).
  external: ['better-sqlite3'],
});
