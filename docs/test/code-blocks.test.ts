// Every ```ts block of the docs compiles against the workspace packages.
import { describe, expect, it } from 'vitest';
import { checkBlocks, collectBlocks, extractBlocks } from '../scripts/code-blocks';

describe('code blocks', () => {
  it('extracts blocks with their page line and the partial marker', () => {
    const page = [
      '# t',
      '',
      '<!-- docs-partial: a fragment -->',
      '```ts',
      'x;',
      '```',
      '',
      '```ts',
      'y;',
      '```',
    ];
    const blocks = extractBlocks('t.md', page.join('\n'));
    expect(blocks).toEqual([
      { page: 't.md', line: 5, code: 'x;', partial: 'a fragment' },
      { page: 't.md', line: 9, code: 'y;', partial: null },
    ]);
  });

  it('every ts block type-checks (or is marked partial, with a reason)', () => {
    const blocks = collectBlocks();
    expect(blocks.filter((block) => !block.partial).length).toBeGreaterThan(10);
    const problems = checkBlocks(blocks).map(
      (problem) => `docs/${problem.page}:${problem.line}: ${problem.message}`,
    );
    expect(problems).toEqual([]);
  });
});
