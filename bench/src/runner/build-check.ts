import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time of the non-test TypeScript files under `dir`, in ms. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.ts$/.test(entry.name) && !/\.test(-d)?\.ts$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * The packages whose `dist` is missing or older than their sources. The bench servers run the
 * compiled packages, as an app does; a stale build would measure code that is not the
 * checkout's.
 *
 * @example
 * ```ts
 * staleBuilds('/repo/packages'); // ['sql'] after editing packages/sql/src without a build
 * ```
 */
export function staleBuilds(packagesDir: string): string[] {
  const stale: string[] = [];
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const src = join(packagesDir, entry.name, 'src');
    let built: number;
    try {
      statSync(src);
    } catch {
      continue;
    }
    try {
      built = statSync(join(packagesDir, entry.name, 'dist', 'index.js')).mtimeMs;
    } catch {
      stale.push(entry.name);
      continue;
    }
    if (newestSource(src) > built) stale.push(entry.name);
  }
  return stale;
}
