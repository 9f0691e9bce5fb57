// The committed generated tables must be what the generators make from the code today.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

describe('the ASVS table', () => {
  const page = committed('security/asvs.md');

  it('cites test names that exist in the test files it names', () => {
    // `packages/x/y.test.ts` — "name", "other name"
    const citation = /`(packages\/[\w/.-]+\.test\.ts)` — ((?:"[^"]+"(?:, )?)+)/g;
    const missing: string[] = [];
    let count = 0;
    for (const [, file = '', names = ''] of page.matchAll(citation)) {
      const source = readFileSync(join(docsRoot, '..', file), 'utf8');
      for (const [, name = ''] of names.matchAll(/"([^"]+)"/g)) {
        count++;
        if (!source.includes(`'${name}'`) && !source.includes(`"${name}"`)) {
          missing.push(`${file}: ${name}`);
        }
      }
    }
    expect(count).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('cites test files that exist', () => {
    const files = [...page.matchAll(/`((?:packages|examples|e2e)\/[\w/.-]+\.test\.ts)`/g)].map(
      (match) => match[1] as string,
    );
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((file) => !existsSync(join(docsRoot, '..', file)))).toEqual([]);
  });

  it('cites case ids that the conformance kit defines', () => {
    const kit = readdirSync(join(docsRoot, '../packages/testing/src'))
      .filter((file) => /^(http|store)-cases/.test(file))
      .map((file) => readFileSync(join(docsRoot, '../packages/testing/src', file), 'utf8'))
      .join('\n');
    const ids = [...page.matchAll(/`((?:HTTP|STORE)-[A-Z]+-\d{3})`/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(3);
    expect(ids.filter((id) => !kit.includes(`'${id}'`))).toEqual([]);
  });

  it('names a test for every "met"', () => {
    const rows = page.split('\n').filter((line) => /^\| \d+\.\d+\.\d+ \|/.test(line));
    const met = rows.filter((row) => row.split('|')[3]?.trim() === 'met');
    expect(met.length).toBeGreaterThan(3);
    expect(met.filter((row) => !/\.test\.ts` — "/.test(row))).toEqual([]);
  });
});

describe('package READMEs', () => {
  it('link with absolute URLs only, so the links work on npm', () => {
    const packagesDir = join(docsRoot, '../packages');
    const relative: string[] = [];
    for (const name of readdirSync(packagesDir)) {
      let text: string;
      try {
        text = readFileSync(join(packagesDir, name, 'README.md'), 'utf8');
      } catch {
        continue;
      }
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!/^(https?:|mailto:|#)/.test(target))
          relative.push(`packages/${name}/README.md: ${target}`);
      }
    }
    expect(relative).toEqual([]);
  });

  it('each link to the documentation site', () => {
    const packagesDir = join(docsRoot, '../packages');
    const unlinked = readdirSync(packagesDir)
      .filter((name) => existsSync(join(packagesDir, name, 'README.md')))
      .filter(
        (name) =>
          !readFileSync(join(packagesDir, name, 'README.md'), 'utf8').includes(
            'https://portcullis-auth.github.io/portcullis/',
          ),
      );
    expect(unlinked).toEqual([]);
  });

  it('are all listed in the root README', () => {
    const packagesDir = join(docsRoot, '../packages');
    const readme = readFileSync(join(docsRoot, '../README.md'), 'utf8');
    const published = readdirSync(packagesDir)
      .filter((name) => existsSync(join(packagesDir, name, 'package.json')))
      .map((name) => JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')))
      .filter((manifest: { private?: boolean }) => manifest.private !== true)
      .map((manifest: { name: string }) => manifest.name);
    expect(published.length).toBeGreaterThan(8);
    expect(published.filter((name) => !readme.includes(`| [\`${name}\`]`))).toEqual([]);
  });
});
