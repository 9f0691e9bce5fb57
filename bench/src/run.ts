/**
 * `pnpm bench` — runs every scenario and writes `results/latest.{json,md,svg}`.
 *
 *   pnpm bench                       full run: 3 rounds × 5 s (+1 s warm-up) per scenario
 *   pnpm bench --smoke               1 round × 1 s, 1 connection, results in the temp folder
 *   pnpm bench --only 'fastify/jwt'  scenarios whose id matches the regular expression
 *   options: --duration S --warmup S --runs N --connections N --login-in-flight N
 *            --frameworks fastify,koa
 *            --no-pin --no-demos --out DIR --parallel N (smoke checks only: no pinning)
 *            --cpu-prof DIR (servers run under node --cpu-prof; see src/tools/profile-summary.ts)
 *   pnpm bench --render results/latest.json   tables and chart again from a run's JSON
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FRAMEWORKS, type Framework } from './config';
import { renderMarkdown } from './report/markdown';
import { renderSvg } from './report/svg';
import { type BenchOptions, type BenchResult, runBenchmark } from './runner/bench';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

function options(argv: string[]): { bench: BenchOptions; out: string; render?: string } {
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
      postgresUrl:
        process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test',
      redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      log: (line) => process.stderr.write(`${line}\n`),
    },
  };
}

async function main(): Promise<void> {
  const { bench, out, render } = options(process.argv.slice(2));
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
