// Code comments explain themselves by pointing at pages of this site
// (`docs/contract/routes.md#login`); the generated pages turn those pointers into links. They
// must never cite the design notes the project started from, which readers cannot open: the
// docs tests fail on such a citation in a page or in the code, and the generators drop any
// that slips into TSDoc.
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { docsRoot } from './packages';

/** Matches a citation of the internal notes, for the tests. */
export const CITATION = /\b(?:spec|DESIGN) §|\bquirk \d/;

const REF = String.raw`(?:spec|DESIGN) §[\d.]+(?: quirk \d+)?`;

/**
 * Turns the `docs/….md#anchor` pointers of code comments into links, relative to the page (at
 * `pageDir`, relative to the docs folder) they end up on. A pointer at a page not written yet
 * stays text.
 */
export function linkDocPointers(text: string, pageDir: string): string {
  return text.replace(
    /(?<![\w/.[`-])(?<!\]\()docs\/([\w./-]+?)\.md(#[\w-]+)?/g,
    (match, page: string, anchor = '') => {
      if (!existsSync(join(docsRoot, `${page}.md`))) return match;
      const target = posix.relative(pageDir || '.', page) || posix.basename(page);
      return `[${page}${anchor}](${target.startsWith('.') ? target : `./${target}`}.md${anchor})`;
    },
  );
}

export function scrubCitations(text: string): string {
  return text
    .replace(new RegExp(String.raw` ?\(${REF}\)`, 'g'), '') // "… (spec §5)."
    .replace(new RegExp(String.raw`\(${REF}[,;] *`, 'g'), '(') // "(spec §4, `x`)"
    .replace(new RegExp(String.raw`[,;] *${REF}(?=\))`, 'g'), '') // "(issue 7, spec §3)"
    .replace(/ ?\((?:upstream )?quirk \d+[^)]*\)/g, '') // "(quirk 10 is kept)"
    .replace(new RegExp(String.raw`,? ?\b${REF}`, 'g'), ''); // anything left inline
}

/**
 * Matches, in code and its comments, a citation of a document that is not in the repository:
 * the design notes and the behaviour description the project started from, by section or
 * quirk number, or by path.
 */
export const OUTSIDE_CITATION = new RegExp(
  [
    String.raw`\b(?:spec|DESIGN) ?§`,
    String.raw`\bDESIGN\b`,
    String.raw`\bquirks? \d`,
    String.raw`\/work\/shared`,
    String.raw`\.\.\/shared\/(?:DESIGN|reference|STYLE)`,
    'fastapi-users-spec',
    String.raw`\bthe seed\b`,
    String.raw`\bseed(?:'s)? (?:contract|routes?|wire)`,
  ].join('|'),
);
