// The packages' TSDoc still cites the project's internal design notes in places ("spec §5",
// "DESIGN §4", "quirk 6"), which readers of the site cannot open. Generated pages drop those
// citations; the sentences around them stand on their own. The docs tests fail when a page
// still carries one.

/** Matches a citation of the internal notes, for the tests. */
export const CITATION = /\b(?:spec|DESIGN) §|\bquirk \d/;

const REF = String.raw`(?:spec|DESIGN) §[\d.]+(?: quirk \d+)?`;

export function scrubCitations(text: string): string {
  return text
    .replace(new RegExp(String.raw` ?\(${REF}\)`, 'g'), '') // "… (spec §5)."
    .replace(new RegExp(String.raw`\(${REF}[,;] *`, 'g'), '(') // "(spec §4, `x`)"
    .replace(new RegExp(String.raw`[,;] *${REF}(?=\))`, 'g'), '') // "(issue 7, spec §3)"
    .replace(/ ?\((?:upstream )?quirk \d+[^)]*\)/g, '') // "(quirk 10 is kept)"
    .replace(new RegExp(String.raw`,? ?\b${REF}`, 'g'), ''); // anything left inline
}
