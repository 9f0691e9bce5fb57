// Comments in the code explain themselves or point at a page of this site; they never cite a
// document that is not in the repository (the design notes the project started from). Every
// `docs/….md#anchor` they point at must exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, anchorsOfFile, slugify } from '../scripts/anchors';
import { OUTSIDE_CITATION } from '../scripts/citations';
import { repoRoot } from '../scripts/packages';

/** Where code and its comments live. */
const ROOTS = ['packages', 'examples', 'e2e', 'bench', 'fuzz', 'scripts'];
const SKIP = new Set(['node_modules', 'dist', '.turbo', 'coverage', 'data', '.vitepress']);
const EXTENSIONS = /\.(?:[cm]?[jt]s|tsx|md|sh|ya?ml|html)$/;
/** Pages that work in progress cites before it writes them; checked like any other once there. */
const PENDING = new Set(['sessions.md']);

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return EXTENSIONS.test(entry.name) ? [path] : [];
  });
}

const files = ROOTS.flatMap((root) => sourceFiles(join(repoRoot, root)));

describe('source comments', () => {
  it('finds the code to check', () => {
    expect(files.length).toBeGreaterThan(300);
  });

  it('cite no document outside the repository (design notes, spec sections, quirk numbers)', () => {
    const citing: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (OUTSIDE_CITATION.test(line)) {
            citing.push(`${relative(repoRoot, file)}:${index + 1}: ${line.trim()}`);
          }
        });
    }
    expect(citing).toEqual([]);
  });

  it('point only at docs pages and anchors that exist', () => {
    const anchors = new Map<string, Set<string>>();
    const dead: string[] = [];
    let count = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?<![\w/.-])docs\/([\w./-]+\.md)(?:#([\w-]+))?/g)) {
        const [reference, page = '', anchor] = match;
        count++;
        const path = join(repoRoot, 'docs', page);
        if (!existsSync(path)) {
          if (PENDING.has(page)) continue;
          dead.push(`${relative(repoRoot, file)}: ${reference} (no such page)`);
          continue;
        }
        if (!anchor) continue;
        let known = anchors.get(path);
        if (!known) {
          known = anchorsOfFile(path);
          anchors.set(path, known);
        }
        if (!known.has(anchor)) dead.push(`${relative(repoRoot, file)}: ${reference} (no anchor)`);
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(dead).toEqual([]);
  });
});

describe('anchors', () => {
  it('follow VitePress: explicit ids, slugs, numbered duplicates, no headings in code', () => {
    const page = [
      '# Title',
      '## `POST /login` {#login}',
      "## Argon2id with OWASP's parameters",
      '## Same',
      '## Same',
      '```md',
      '## Not a heading',
      '```',
    ].join('\n');
    expect([...anchorsOf(page)]).toEqual([
      'title',
      'login',
      'argon2id-with-owasp-s-parameters',
      'same',
      'same-1',
    ]);
    expect(slugify('1. First')).toBe('_1-first');
  });
});
