import { describe, expect, test } from 'vitest';
import { buildCase } from '../src/cases';
import { encodeCase } from '../src/encode';
import { compareAnswers } from '../src/parity';
import { type RunReport, runFuzz } from '../src/run';
import { FRAMEWORKS } from '../src/target';

/**
 * The CI slice of `pnpm fuzz`: the first 2,000 cases of the same seed against each demo, on
 * every change. The full run (10,000 per framework, memory checked after idling) is
 * `pnpm fuzz`; docs/reliability-http.md has its figures.
 */
const SEED = 20261204;
const COUNT = Number(process.env.FUZZ_SLICE ?? 2000);

describe('the fuzz generator', () => {
  test('is reproducible: one seed and index always give the same bytes', () => {
    for (const index of [0, 1, 77, 1999]) {
      const once = encodeCase(buildCase(SEED, index), 'token');
      const again = encodeCase(buildCase(SEED, index), 'token');
      expect(Buffer.from(again).equals(Buffer.from(once))).toBe(true);
    }
    const other = encodeCase(buildCase(SEED + 1, 0), 'token');
    expect(Buffer.from(other).equals(Buffer.from(encodeCase(buildCase(SEED, 0), 'token')))).toBe(
      false,
    );
  });

  test('covers every kind of abuse within the slice', () => {
    const categories = new Set<string>();
    for (let index = 0; index < COUNT; index++) {
      categories.add(buildCase(SEED, index).category.split(/[.+]/)[0] as string);
    }
    expect([...categories].sort()).toEqual(
      expect.arrayContaining(['framing', 'form', 'garbage', 'json', 'route']),
    );
  });
});

describe(`${COUNT} hostile requests per demo`, () => {
  const reports: RunReport[] = [];

  for (const framework of FRAMEWORKS) {
    test(`${framework}: no 5xx, no dropped or hung connection, alive, nothing on stderr`, async () => {
      const report = await runFuzz({
        framework,
        seed: SEED,
        count: COUNT,
        concurrency: 8,
        idleMs: 0,
      });
      reports.push(report);
      console.log(
        `fuzz slice ${framework}: ${report.count} requests in ${report.seconds.toFixed(1)} s, ` +
          `statuses ${JSON.stringify(report.statuses)}`,
      );
      expect(report.failures.slice(0, 10)).toEqual([]);
      expect(report.alive).toBe(true);
      expect(report.stderr).toEqual([]);
      expect(report.count).toBe(COUNT);
    });
  }

  test('the three demos give every case the same answer', () => {
    expect(reports).toHaveLength(FRAMEWORKS.length);
    const mismatches = compareAnswers(reports);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
