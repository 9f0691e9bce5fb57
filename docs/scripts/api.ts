// Generates the API reference (docs/reference/api/, git-ignored) from the packages' TSDoc with
// TypeDoc and typedoc-plugin-markdown. One TypeDoc run over every entry point (one TypeScript
// program, so it is quick), with each module renamed to its import specifier.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Application } from 'typedoc';
import { linkDocPointers, scrubCitations } from './citations';
import { docsRoot, packageEntries, repoRoot } from './packages';

export const apiOut = join(docsRoot, 'reference/api');

export async function generateApi(): Promise<void> {
  rmSync(apiOut, { recursive: true, force: true });
  const app = await Application.bootstrapWithPlugins({
    entryPoints: packageEntries.map((entry) => join(repoRoot, entry.types)),
    entryPointStrategy: 'resolve',
    tsconfig: join(docsRoot, 'tsconfig.api.json'),
    plugin: ['typedoc-plugin-markdown'],
    out: apiOut,
    name: 'API',
    readme: 'none',
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    disableSources: true,
    skipErrorChecking: true,
    validation: { notExported: false, invalidLink: false, rewrittenLink: false },
    logLevel: 'Error',
    // typedoc-plugin-markdown
    outputFileStrategy: 'modules',
    entryFileName: 'index',
    hidePageHeader: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    useHTMLAnchors: true,
    sanitizeComments: true,
    // biome-ignore lint/suspicious/noExplicitAny: plugin options are not in TypeDoc's types.
  } as any);
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the packages');
  // TypeDoc names a module by its path (`core/src`, `core/src/node`): use the import specifier.
  for (const module of project.children ?? []) {
    const entry = packageEntries.find(
      (candidate) =>
        candidate.types.replace(/^packages\//, '').replace(/(\/index)?\.d\.ts$/, '') ===
        module.name,
    );
    if (!entry) throw new Error(`TypeDoc module ${module.name} matches no package entry`);
    module.name = entry.name;
  }
  project.children?.sort(
    (a, b) =>
      packageEntries.findIndex((entry) => entry.name === a.name) -
      packageEntries.findIndex((entry) => entry.name === b.name),
  );
  await app.generateOutputs(project);
  for (const entry of readdirSync(apiOut, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.md')) continue;
    const path = join(entry.parentPath, entry.name);
    const pageDir = relative(docsRoot, entry.parentPath);
    writeFileSync(path, linkDocPointers(scrubCitations(readFileSync(path, 'utf8')), pageDir));
  }
}
