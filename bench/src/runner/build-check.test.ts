import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staleBuilds } from './build-check';

describe('staleBuilds', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A package with a source file and a build, each at the given time (seconds). */
  function pkg(root: string, name: string, sourceAt: number, builtAt: number | null): void {
    mkdirSync(join(root, name, 'src', 'inner'), { recursive: true });
    const source = join(root, name, 'src', 'inner', 'mod.ts');
    writeFileSync(source, 'export {};\n');
    utimesSync(source, sourceAt, sourceAt);
    // A test file edited after the build does not make it stale.
    const test = join(root, name, 'src', 'mod.test.ts');
    writeFileSync(test, '');
    utimesSync(test, 9_000, 9_000);
    if (builtAt === null) return;
    mkdirSync(join(root, name, 'dist'));
    const built = join(root, name, 'dist', 'index.js');
    writeFileSync(built, '');
    utimesSync(built, builtAt, builtAt);
  }

  it('names the packages built before their last source change, or not built', () => {
    const root = mkdtempSync(join(tmpdir(), 'bench-build-check-'));
    dirs.push(root);
    pkg(root, 'fresh', 1_000, 2_000);
    pkg(root, 'edited', 3_000, 2_000);
    pkg(root, 'unbuilt', 1_000, null);
    mkdirSync(join(root, 'no-sources'));
    expect(staleBuilds(root).sort()).toEqual(['edited', 'unbuilt']);
  });
});
