// The committed generated tables must be what the generators make from the code today.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderErrorCodes } from '../scripts/error-codes';
import { renderOptionsTable } from '../scripts/options-table';
import { docsRoot } from '../scripts/packages';

const committed = (path: string): string => readFileSync(join(docsRoot, path), 'utf8');
const hint = 'stale: run `pnpm --dir docs generate` and commit the result';

describe('generated tables', () => {
  it('reference/error-codes.md regenerates from ErrorCode without a diff', async () => {
    expect(await renderErrorCodes(), `reference/error-codes.md is ${hint}`).toBe(
      committed('reference/error-codes.md'),
    );
  });

  it('reference/options.md regenerates from the options types without a diff', () => {
    expect(renderOptionsTable(), `reference/options.md is ${hint}`).toBe(
      committed('reference/options.md'),
    );
  });

  it('every ErrorCode has a row in the error-code table', async () => {
    const { ErrorCode } = await import('@portcullis/core');
    const table = committed('reference/error-codes.md');
    for (const code of Object.values(ErrorCode)) expect(table).toContain(`| \`${code}\` |`);
  });
});

describe('citations', () => {
  it('no page cites the internal design notes (spec §, DESIGN §, quirk numbers)', async () => {
    const { CITATION } = await import('../scripts/citations');
    const { handWrittenPages } = await import('../scripts/markdown-files');
    const citing = handWrittenPages().filter((page) => CITATION.test(committed(page)));
    expect(citing).toEqual([]);
  });
});
