import { describe, expect, it } from 'vitest';
import { dumpedInstructions, renderCounts } from './instructions';

/** The head of a callgrind dump, as valgrind 3.19 writes it. */
const dump = (totals: number): string =>
  `# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\ncmd: node server.js\nevents: Ir\nsummary: 0\nfn=(1) main\n3 12\ntotals: ${totals}\n`;

describe('dumpedInstructions', () => {
  it('reads the totals line, not the summary line before it, and sums the dumps', () => {
    expect(dumpedInstructions([dump(1200)])).toBe(1200);
    expect(dumpedInstructions([dump(1200), dump(34)])).toBe(1234);
  });

  it('refuses no dump at all, and a dump without a count', () => {
    expect(() => dumpedInstructions([])).toThrow(/no dump/);
    expect(() => dumpedInstructions(['events: Ir\nsummary: 0\n'])).toThrow(/totals/);
  });
});

describe('renderCounts', () => {
  it('compares each row with its own baseline: bare, or bare-pg for the PostgreSQL rows', () => {
    const lines = renderCounts([
      { id: 'koa/bare', requests: 1000, instructions: 200_000_000 },
      { id: 'koa/bare-pg', requests: 1000, instructions: 300_000_000 },
      { id: 'koa/jwt', requests: 2000, instructions: 500_000_000 },
      { id: 'koa/cookie-pg', requests: 1000, instructions: 400_000_000 },
      { id: 'express/jwt', requests: 1000, instructions: 250_000_000 },
    ]);
    expect(lines.slice(2)).toEqual([
      '| koa/bare | 1,000 | 200.0 | 1.00× |',
      '| koa/bare-pg | 1,000 | 300.0 | 1.00× |',
      '| koa/jwt | 2,000 | 250.0 | 0.80× |',
      '| koa/cookie-pg | 1,000 | 400.0 | 0.75× |',
      '| express/jwt | 1,000 | 250.0 | – |',
    ]);
  });
});
