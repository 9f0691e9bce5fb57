/**
 * CPU time per request, per thread: each scenario's server pinned and loaded as the bench runs
 * it, its threads' user and system time read from `/proc/<pid>/task/<tid>/stat` before and
 * after a measured load, divided by the requests answered meanwhile. Where
 * `src/tools/instructions.ts` counts the main thread's instructions, this shows what the timed
 * run also pays: the kernel's share of the main thread (system time) and V8's helper threads
 * (parallel scavenges, concurrent marking, the optimizing compiler), which share the server's
 * core (docs/performance.md#instruction-counts).
 *
 *   node --import tsx/esm src/tools/thread-cpu.ts [--only REGEX] [--seconds 10] [--warmup 5]
 *                                                 [--repeat 3]
 *
 * Linux only. Each scenario runs `--repeat` times, alternating with the others, each time in a
 * fresh server process; the table gives the median of each figure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Framework, Stack } from '../config';
import { spread } from '../report/summary';
import { startLoad, startServer } from '../runner/processes';
import { requestScenarios } from './request-scenarios';

/** The servers' core and the load generator's, as in the bench. */
const SERVER_CORE = 0;
const LOAD_CORE = 1;
/** Clock ticks per second of `/proc`'s utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** User and system ticks by thread kind. */
type Times = Map<string, { user: number; system: number }>;

/**
 * User and system ticks of every thread of `pid`, summed by thread kind: `main` for the event
 * loop's thread, any other thread's name with its numbers dropped ("V8Worker", "libuv-worker").
 */
function threadTimes(pid: number): Times {
  const times: Times = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The name sits in parentheses and may hold spaces; the fields after it are numbered from
    // the state (field 3): utime is field 14, stime field 15.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const kind = tid === String(pid) ? 'main' : name.replace(/[\d:]+/g, '').trim();
    const sum = times.get(kind) ?? { user: 0, system: 0 };
    sum.user += Number(fields[11]);
    sum.system += Number(fields[12]);
    times.set(kind, sum);
  }
  return times;
}

/** Microseconds per request, by thread kind and "user"/"system", between two readings. */
function perRequest(before: Times, after: Times, requests: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [kind, end] of after) {
    const start = before.get(kind) ?? { user: 0, system: 0 };
    const us = (ticks: number): number => (ticks / TICKS / requests) * 1e6;
    out.set(`${kind} user`, us(end.user - start.user));
    out.set(`${kind} system`, us(end.system - start.system));
  }
  return out;
}

/** The median of a figure over the repeats, as the bench's reports take it. */
function median(values: readonly number[] | undefined): number {
  return spread(values ?? [])?.median ?? 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '5' },
      repeat: { type: 'string', default: '3' },
    },
  });
  const { prepared, scenarios } = await requestScenarios(values.only, Number(values.repeat));
  const load = await startLoad(LOAD_CORE);
  const figures = new Map<string, Map<string, number[]>>();
  try {
    for (let round = 0; round < Number(values.repeat); round++) {
      for (const scenario of scenarios) {
        const server = await startServer(
          scenario.framework as Framework,
          scenario.stack as Stack,
          prepared.fixture,
          SERVER_CORE,
        );
        try {
          const config = scenario.load(prepared.fixture, server.origin);
          await load.run(Number(values.warmup), config);
          const before = threadTimes(server.pid);
          const sample = await load.run(Number(values.seconds), config);
          const after = threadTimes(server.pid);
          if (sample.non2xx + sample.errors > 0) {
            throw new Error(`${scenario.id}: ${sample.non2xx} non-2xx, ${sample.errors} errors`);
          }
          const row = figures.get(scenario.id) ?? new Map<string, number[]>();
          figures.set(scenario.id, row);
          const add = (column: string, value: number): void => {
            row.set(column, [...(row.get(column) ?? []), value]);
          };
          add('req/s', sample.rps);
          for (const [column, us] of perRequest(before, after, sample.requests)) add(column, us);
          process.stderr.write(`[${round + 1}] ${scenario.id}: ${Math.round(sample.rps)} req/s\n`);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await load.stop();
    await prepared.cleanup();
  }
  const columns = [...new Set([...figures.values()].flatMap((row) => [...row.keys()]))].filter(
    (column) =>
      column === 'req/s' || [...figures.values()].some((row) => median(row.get(column)) >= 0.5),
  );
  process.stdout.write(`| scenario | ${columns.join(' | ')} |\n`);
  process.stdout.write(`| --- |${' ---: |'.repeat(columns.length)}\n`);
  for (const [id, row] of figures) {
    const cells = columns.map((column) => median(row.get(column)).toFixed(1));
    process.stdout.write(`| ${id} | ${cells.join(' | ')} |\n`);
  }
  process.stdout.write('\nµs of CPU per request by thread kind (median of the repeats).\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
