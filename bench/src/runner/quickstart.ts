/**
 * The quick-start server's start-up: src/quickstart/server.ts compiled to JavaScript (types
 * stripped by TypeScript's `transpileModule`, nothing bundled: its imports resolve to the
 * packages' `dist` as an installed app's do), then started with plain `node`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { timeStarts } from './demo';

const SOURCE = fileURLToPath(new URL('../quickstart/server.ts', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../../dist/quickstart/', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Writes `bench/dist/quickstart/server.js`; returns its path. */
export async function compileQuickstart(): Promise<string> {
  const { outputText } = ts.transpileModule(await readFile(SOURCE, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
    fileName: SOURCE,
  });
  await mkdir(OUT_DIR, { recursive: true });
  const file = `${OUT_DIR}server.js`;
  // `dist/` is inside the bench package, so `@portcullis/*` and fastify resolve from its
  // node_modules to the same compiled packages an app would install.
  await writeFile(file, outputText);
  return file;
}

export interface QuickstartStart {
  startMs: number[];
  rssMiB: number[];
  error?: string;
}

/**
 * Compiles the quick-start server and times `starts` starts (after an untimed one when `warm`),
 * each on a fresh SQLite file.
 *
 * @example
 * ```ts
 * const { startMs, rssMiB } = await measureQuickstart({ starts: 5, warm: true, core: 0 });
 * ```
 */
export async function measureQuickstart(options: {
  starts: number;
  warm: boolean;
  core: number | null;
}): Promise<QuickstartStart> {
  let file: string;
  try {
    file = await compileQuickstart();
  } catch (error) {
    return { startMs: [], rssMiB: [], error: `compile: ${String(error)}` };
  }
  return timeStarts({ nodeArgs: [file], cwd: BENCH_DIR, env: {} }, options);
}
