/**
 * `pnpm bench` — runs every scenario and writes `results/latest.{json,md,svg}`.
 *
 *   pnpm bench                       full run: 3 rounds × 5 s (+1 s warm-up) per scenario
 *   pnpm bench --smoke               1 round × 1 s, 1 connection, results in the temp folder
 *   pnpm bench --only 'fastify/jwt'  scenarios whose id matches the regular expression
 *   options: --duration S --warmup S --runs N --connections N --login-in-flight N
 *            --frameworks fastify,koa
 *            --no-pin --no-demos --no-imports --out DIR --parallel N (smoke checks only)
 *            --import-rounds N (default 7) --cpu-prof DIR (servers under node --cpu-prof)
 *            --force (write results/latest.* although the machine was busy; the file says so)
 *   pnpm bench --render results/latest.json   tables and chart again from a run's JSON
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FRAMEWORKS, type Framework, serviceUrls } from './config';
import { renderMarkdown } from './report/markdown';
import { renderSvg } from './report/svg';
import { type BenchOptions, type BenchResult, runBenchmark } from './runner/bench';
import { gateRefusal, SETTLE_MAX_MS, settle } from './runner/gate';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = resolve(BENCH_DIR, 'results');

interface RunOptions {
  bench: BenchOptions;
  out: string;
  render?: string;
  force: boolean;
}

function options(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      runs: { type: 'string' },
      connections: { type: 'string' },
      'login-in-flight': { type: 'string' },
      frameworks: { type: 'string' },
      only: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      'no-demos': { type: 'boolean', default: false },
      'no-imports': { type: 'boolean', default: false },
      'import-rounds': { type: 'string' },
      force: { type: 'boolean', default: false },
      out: { type: 'string' },
      parallel: { type: 'string' },
      'cpu-prof': { type: 'string' },
      render: { type: 'string' },
    },
  });
  const number = (value: string | undefined, fallback: number): number => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`not a number: ${value}`);
    return parsed;
  };
  const smoke = values.smoke;
  const frameworks = values.frameworks?.split(',').map((name) => name.trim()) as
    | Framework[]
    | undefined;
  for (const name of frameworks ?? []) {
    if (!FRAMEWORKS.includes(name)) throw new Error(`unknown framework: ${name}`);
  }
  return {
    ...(values.render ? { render: resolve(values.render) } : {}),
    force: values.force,
    // A smoke run's numbers mean nothing: keep them away from the committed results.
    out: resolve(
      values.out ?? (smoke ? join(tmpdir(), 'portcullis-bench-smoke') : join(BENCH_DIR, 'results')),
    ),
    bench: {
      duration: number(values.duration, smoke ? 1 : 5),
      warmup: number(values.warmup, smoke ? 0.5 : 1),
      runs: number(values.runs, smoke ? 1 : 3),
      connections: number(values.connections, smoke ? 1 : 10),
      loginInFlight: number(values['login-in-flight'], smoke ? 2 : 50),
      ...(frameworks ? { frameworks } : {}),
      ...(values.only ? { only: new RegExp(values.only) } : {}),
      pin: !values['no-pin'],
      parallel: number(values.parallel, 1),
      ...(values['cpu-prof'] ? { cpuProfileDir: resolve(values['cpu-prof']) } : {}),
      demos: !values['no-demos'],
      // A smoke run starts everything once: it checks that they start, it measures nothing.
      demoStarts: smoke ? { starts: 1, warm: false } : { starts: 3, warm: true },
      ...(values['no-imports']
        ? {}
        : {
            imports: smoke
              ? { rounds: 1, starts: 1, warm: false }
              : { rounds: number(values['import-rounds'], 7), starts: 5, warm: true },
          }),
      ...(values.force ? { forced: true } : {}),
      ...serviceUrls(),
      log: (line) => process.stderr.write(`${line}\n`),
    },
  };
}

/** The committed results come from a quiet machine (see runner/gate.ts). */
function refuseBusyMachine({ out, render, force }: RunOptions): void {
  const load = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const refusal = gateRefusal({ load, out, committed: RESULTS, render: !!render, force });
  if (refusal) {
    process.stderr.write(`bench: not started: ${refusal}\n`);
    process.exit(2);
  }
}

/**
 * The servers run the compiled packages, as an app does: build them first, so a run never
 * measures a `dist` older than the checkout (turbo skips what is already built).
 */
function buildPackages(): void {
  const built = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
    { cwd: resolve(BENCH_DIR, '..'), stdio: ['ignore', 2, 2] },
  );
  if (built.status !== 0) {
    process.stderr.write('bench: not started: building the packages failed (output above)\n');
    process.exit(2);
  }
}

/**
 * A run for the committed results waits after the build for the load average the build raised
 * to fall back to the gate, then passes the gate again: what is left is other work.
 */
async function settleAfterBuild(run: RunOptions): Promise<void> {
  if (run.force || run.out !== RESULTS) return;
  let said = false;
  await settle({
    readLoad: () => loadavg()[0] ?? 0,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    maxMs: SETTLE_MAX_MS,
    onWait: (load) => {
      if (said) return;
      said = true;
      process.stderr.write(`bench: waiting for the load average (${load.toFixed(2)}) to settle\n`);
    },
  });
  refuseBusyMachine(run);
}

async function main(): Promise<void> {
  const run = options(process.argv.slice(2));
  const { bench, out, render } = run;
  refuseBusyMachine(run);
  if (!render) {
    buildPackages();
    await settleAfterBuild(run);
  }
  // --render: the tables and chart again from a run's JSON (after editing results/notes.md).
  const result = render
    ? (JSON.parse(await readFile(render, 'utf8')) as BenchResult)
    : await runBenchmark(bench);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(out, 'latest.md'), renderMarkdown(result));
  await writeFile(join(out, 'latest.svg'), renderSvg(result));
  process.stderr.write(`wrote ${join(out, 'latest.{json,md,svg}')}\n`);
  const failed = result.scenarios.filter((scenario) => scenario.errors.length > 0);
  if (failed.length > 0) {
    process.stderr.write(
      `${failed.length} scenario(s) failed: ${failed.map((s) => s.id).join(', ')}\n`,
    );
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
