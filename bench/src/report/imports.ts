import type { Framework } from '../config';
import { aloneId, type ImportSample, withId } from '../runner/imports';
import type { QuickstartStart } from '../runner/quickstart';
import { type Spread, spread } from './summary';

/** The import-cost part of a run. */
export interface ImportCost {
  /** Measured rounds per probe. */
  rounds: number;
  /** Whether an unmeasured round came first (absent in runs saved before it was recorded). */
  warm?: boolean;
  /** 1-minute load average when the import measurements started. */
  loadAverage: number;
  samples: ImportSample[];
  quickstart: QuickstartStart | null;
}

/**
 * "core + adapter + sql" minus "framework + kysely", paired by round (the two probes run
 * back to back in every round), median and spread over the rounds.
 */
export function importDelta(
  cost: ImportCost,
  framework: Framework,
  figure: 'importMs' | 'cpuMs' = 'importMs',
): Spread | null {
  const alone = cost.samples.find((s) => s.id === aloneId(framework));
  const both = cost.samples.find((s) => s.id === withId(framework));
  if (!alone || !both || alone.error || both.error) return null;
  // Runs saved before CPU time was recorded have no `cpuMs`.
  const [a, b] = [alone[figure] ?? [], both[figure] ?? []];
  return spread(b.flatMap((ms, i) => (i < a.length ? [ms - (a[i] as number)] : [])));
}

const fixed = (n: number): string => n.toFixed(n < 10 ? 1 : 0);
const range = (s: Spread | null): string =>
  s ? `${fixed(s.median)} (${fixed(s.min)}–${fixed(s.max)})` : '–';
const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

const GROUPS = [
  ['portcullis', 'Portcullis package alone (with what it imports)'],
  ['dependency', 'dependency alone'],
  ['app', 'an app’s imports'],
] as const;

/**
 * The import tables and the quick-start figures, as Markdown lines.
 *
 * @example
 * ```ts
 * lines.push(...importSection(result.imports));
 * ```
 */
export function importSection(cost: ImportCost, frameworks: readonly Framework[]): string[] {
  const lines = [
    '## Import cost and start-up',
    '',
    'Each line: the modules imported with `import()` in a fresh `node` process (no tsx; the',
    'Portcullis packages from their compiled `dist`), pinned like the servers; milliseconds from',
    'the first `import()` to the last one settling, the CPU time the process used meanwhile (a',
    'busy machine inflates it far less than the wall time), and spawn to exit of the process.',
    `Median (min–max) of ${cost.rounds} round(s), every probe once per round` +
      `${cost.warm === false ? '' : ', after one unmeasured round (page cache)'}. 1-minute load`,
    `average when they started: ${cost.loadAverage}.`,
    '',
    row(['modules', 'kind', 'import ms', 'import CPU ms', 'process ms']),
    row(['---', '---', '---:', '---:', '---:']),
  ];
  for (const [group, kind] of GROUPS) {
    for (const sample of cost.samples.filter((s) => s.group === group)) {
      lines.push(
        row([
          `\`${sample.id}\`${sample.error ? ` ⚠ ${sample.error}` : ''}`,
          kind,
          range(spread(sample.importMs)),
          range(spread(sample.cpuMs ?? [])),
          range(spread(sample.processMs)),
        ]),
      );
    }
  }
  lines.push(
    '',
    'What Portcullis adds to an app’s imports: core + adapter + `@portcullis/sql` imported after',
    'the framework and kysely, minus the framework and kysely alone, paired by round.',
    '',
    row([
      'framework',
      'framework + kysely, ms',
      '+ core + adapter + sql, ms',
      'Portcullis adds, ms',
      'Portcullis adds, CPU ms',
    ]),
    row(['---', '---:', '---:', '---:', '---:']),
  );
  for (const fw of frameworks) {
    const alone = cost.samples.find((s) => s.id === aloneId(fw));
    const both = cost.samples.find((s) => s.id === withId(fw));
    lines.push(
      row([
        fw,
        range(spread(alone?.importMs ?? [])),
        range(spread(both?.importMs ?? [])),
        range(importDelta(cost, fw)),
        range(importDelta(cost, fw, 'cpuMs')),
      ]),
    );
  }
  const quick = cost.quickstart;
  if (quick) {
    lines.push(
      '',
      'The README’s quick start (Fastify + SQLite, `bench/src/quickstart/server.ts` compiled to',
      'JavaScript, started with `node`): spawn to its "listening on" line on a fresh SQLite file',
      '(migrations included), and resident memory after one idle second.',
      '',
      row(['server', 'start to listening, ms', 'idle RSS, MiB']),
      row(['---', '---:', '---:']),
      row([
        `quick start${quick.error ? ` ⚠ ${quick.error}` : ''}`,
        range(spread(quick.startMs)),
        range(spread(quick.rssMiB)),
      ]),
    );
  }
  return [...lines, ''];
}
