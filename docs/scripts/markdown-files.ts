// The hand-written pages of the site (generated ones are checked by their generators).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { docsRoot } from './packages';

const SKIP_DIRS = new Set(['node_modules', '.vitepress', 'api', 'test-artifacts', 'public']);
const GENERATED = new Set(['reference/http-routes.md']);

export function handWrittenPages(dir = docsRoot): string[] {
  const pages: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) pages.push(...handWrittenPages(path));
    } else if (entry.name.endsWith('.md')) {
      const rel = relative(docsRoot, path);
      if (!GENERATED.has(rel)) pages.push(rel);
    }
  }
  return pages.sort();
}
