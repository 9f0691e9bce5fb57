/**
 * What `src/tools/instructions.ts` reports: callgrind's count of a server's instructions while
 * a load ran, per request answered, and each row against its framework's bare route.
 */
import type { Stack } from '../config';
import { STACKS } from '../runner/stacks';

export interface Counted {
  /** `<framework>/<stack>` */
  id: string;
  /** Requests answered while the count ran. */
  requests: number;
  /** Instructions counted on the server's main thread. */
  instructions: number;
}

/**
 * The instructions a callgrind dump counted: its `totals:` line, summed over the dumps given.
 * A dump asked for with `callgrind_control --dump` also has a `summary:` line, which counts
 * nothing when instrumentation was switched on late (`--instr-atstart=no`): only `totals:` is
 * read.
 */
export function dumpedInstructions(dumps: readonly string[]): number {
  if (dumps.length === 0) throw new Error('callgrind wrote no dump');
  let total = 0;
  for (const text of dumps) {
    const line = /^totals:\s*(\d+)/m.exec(text);
    if (!line) throw new Error('a callgrind dump without a totals line');
    total += Number(line[1]);
  }
  return total;
}

const perRequest = (c: Counted): number => c.instructions / c.requests;

/**
 * One row per count: thousands of instructions per request and "× bare by instructions", the
 * baseline's count per request over this row's (the report's CPU ratio, by instructions), the
 * PostgreSQL rows against `bare-pg` as in the report. A row whose baseline was not counted
 * gets a dash.
 */
export function renderCounts(counts: readonly Counted[]): string[] {
  const byId = new Map(counts.map((c) => [c.id, c]));
  const lines = [
    '| scenario | requests counted | instructions per request (k) | × bare by instructions |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const c of counts) {
    const [framework, stack] = c.id.split('/') as [string, Stack];
    const baseline = byId.get(`${framework}/${STACKS[stack]?.baseline ?? 'bare'}`);
    const ratio = baseline ? `${(perRequest(baseline) / perRequest(c)).toFixed(2)}×` : '–';
    const k = (perRequest(c) / 1000).toFixed(1);
    lines.push(`| ${c.id} | ${c.requests.toLocaleString('en-US')} | ${k} | ${ratio} |`);
  }
  return lines;
}
