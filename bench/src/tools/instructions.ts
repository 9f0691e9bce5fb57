/**
 * Instructions per request: each scenario's server under valgrind's callgrind, counting only
 * while a load of fixed length runs (after a warm-up), the count divided by the requests
 * answered meanwhile; each row then compared with its framework's bare route as the report
 * compares CPU time (the baseline's count over the row's).
 *
 * Only the main thread is counted: the request path, with its garbage collection. V8's helper
 * threads (optimizing compiler, concurrent marking) are left out: what they do in a window
 * depends on when the JIT decides to optimize, and moved a row's total by a quarter between two
 * counts of the same server. The main thread's count still moves by up to 8 % between counts
 * of unchanged code (175–204 k for Koa's bare route); a function's own share moves far less,
 * which is what `instructions-annotate.ts` shows. It does not see the kernel (system calls, the
 * network), cache misses, or the database servers' work: it ranks what the code in the server
 * costs, next to the timed run, not instead of it (docs/performance.md#instruction-counts).
 *
 *   node --import tsx/esm src/tools/instructions.ts [--only REGEX] [--seconds 20] [--warmup 30]
 *                                                   [--keep DIR]
 *
 * `--keep DIR` leaves each server's dumps in DIR/<framework>-<stack>/, with V8's map of its
 * compiled JavaScript (`node --perf-basic-prof`); src/tools/instructions-annotate.ts then lists
 * the instructions by function, JavaScript included, or the difference between two servers.
 *
 * Login storms and the raw argon2 loop are left out: their cost is argon2's, which valgrind
 * slows about fifty-fold.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Fixture, Framework, Stack } from '../config';
import { type Counted, dumpedInstructions, renderCounts } from '../report/instructions';
import { type Load, startLoad, startServer } from '../runner/processes';
import type { Scenario } from '../runner/scenarios';
import { requestScenarios } from './request-scenarios';

/** `callgrind_control` on a running callgrind; throws with its output when it fails. */
function control(pid: number, option: string): void {
  const run = spawnSync('callgrind_control', [option, String(pid)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`callgrind_control ${option}: ${run.stderr || run.stdout}`);
}

async function count(
  scenario: Scenario,
  fixture: Fixture,
  load: Load,
  seconds: number,
  warmup: number,
  keep: string | undefined,
): Promise<Counted> {
  const dir = keep
    ? join(keep, scenario.id.replace('/', '-'))
    : mkdtempSync(join(tmpdir(), 'callgrind-'));
  mkdirSync(dir, { recursive: true });
  const server = await startServer(
    scenario.framework as Framework,
    scenario.stack as Stack,
    fixture,
    null,
    {
      prefix: [
        'valgrind',
        '--tool=callgrind',
        // Instrumented only while counting: start-up and warm-up run at a few times slower,
        // not fifty.
        '--instr-atstart=no',
        // A dump per thread: only the main thread's is read (see the top of this file).
        '--separate-threads=yes',
        `--callgrind-out-file=${join(dir, 'cg.out')}`,
      ],
      // With --keep, V8 writes where it put each JIT-compiled function (/tmp/perf-<pid>.map), so
      // the dump's bare addresses can be named (src/tools/instructions-annotate.ts).
      // (V8 then also opens its log, in the working folder unless told where.)
      nodeFlags: keep
        ? ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${join(dir, 'v8.log')}`]
        : [],
      // tsx compiles the server's TypeScript under valgrind.
      readyTimeoutMs: 300_000,
    },
  );
  try {
    const config = scenario.load(fixture, server.origin);
    if (warmup > 0) await load.run(warmup, config);
    control(server.pid, '--instr=on');
    const sample = await load.run(seconds, config);
    control(server.pid, '--instr=off');
    control(server.pid, '--dump');
    if (sample.non2xx + sample.errors > 0) {
      throw new Error(`${scenario.id}: ${sample.non2xx} non-2xx answers, ${sample.errors} errors`);
    }
    // Thread 1 is the event loop's: the dump asked for is `cg.out.1`, per thread `-01`, `-02`…
    const main = join(dir, 'cg.out.1-01');
    const dumps = existsSync(main) ? [readFileSync(main, 'utf8')] : [];
    const counted = {
      id: scenario.id,
      requests: sample.requests,
      instructions: dumpedInstructions(dumps),
    };
    if (keep) writeFileSync(join(dir, 'count.json'), `${JSON.stringify(counted)}\n`);
    return counted;
  } finally {
    await server.stop();
    if (keep) {
      const map = `/tmp/perf-${server.pid}.map`;
      if (existsSync(map)) {
        copyFileSync(map, join(dir, 'perf.map'));
        rmSync(map);
      }
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      seconds: { type: 'string', default: '20' },
      // Under valgrind 10 s left the JIT unsettled: Koa's JWT row counted 0.67× of bare after
      // it, 0.97× after 30 s (both with V8's helper threads counted).
      warmup: { type: 'string', default: '30' },
      keep: { type: 'string' },
    },
  });
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
  }
  const { prepared, scenarios } = await requestScenarios(values.only, 1);
  const load = await startLoad(null);
  const counts: Counted[] = [];
  try {
    for (const scenario of scenarios) {
      const counted = await count(
        scenario,
        prepared.fixture,
        load,
        Number(values.seconds),
        Number(values.warmup),
        values.keep ? resolve(values.keep) : undefined,
      );
      const k = (counted.instructions / counted.requests / 1000).toFixed(1);
      process.stderr.write(`${scenario.id}: ${k} k instructions/request (${counted.requests})\n`);
      counts.push(counted);
    }
  } finally {
    await load.stop();
    await prepared.cleanup();
  }
  process.stdout.write(`${renderCounts(counts).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
