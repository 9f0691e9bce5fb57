/**
 * The import-cost table and the quick-start server's start-up alone, without the HTTP
 * scenarios (a minute instead of a quarter of an hour), printed as the report prints them;
 * with `--profile MODULE`, a CPU profile of importing that module instead.
 *
 *   node --import tsx/esm src/tools/import-cost.ts [--rounds 7] [--starts 5] [--no-pin]
 *   node --import tsx/esm src/tools/import-cost.ts --profile @portcullis/core [--out DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FRAMEWORKS } from '../config';
import { importSection } from '../report/imports';
import { measureImports } from '../runner/imports';
import { choosePinning } from '../runner/processes';
import { measureQuickstart } from '../runner/quickstart';

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** `node --cpu-prof` around one `import()`, then the profile's summary by package and function. */
function profile(module: string, out: string): void {
  const run = spawnSync(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${out}`,
      // 100 µs sampling: an import is over in a few hundred milliseconds.
      '--cpu-prof-interval=100',
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(module)});`,
    ],
    { cwd: BENCH_DIR, stdio: 'inherit' },
  );
  if (run.status !== 0) throw new Error(`importing ${module} failed`);
  const [file] = readdirSync(out).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written to ${out}`);
  spawnSync(
    process.execPath,
    ['--import', 'tsx/esm', 'src/tools/profile-summary.ts', join(out, file), '30'],
    { cwd: BENCH_DIR, stdio: 'inherit' },
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '7' },
      starts: { type: 'string', default: '5' },
      'no-pin': { type: 'boolean', default: false },
      profile: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.profile) {
    profile(values.profile, resolve(values.out ?? mkdtempSync(join(tmpdir(), 'import-prof-'))));
    return;
  }
  const pinning = choosePinning(!values['no-pin']);
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const loadAverage = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const rounds = Number(values.rounds);
  const samples = await measureImports({
    frameworks: FRAMEWORKS,
    rounds,
    warm: true,
    core: pinning.server,
    log,
  });
  const quickstart = await measureQuickstart({
    starts: Number(values.starts),
    warm: true,
    core: pinning.server,
  });
  const lines = importSection({ rounds, warm: true, loadAverage, samples, quickstart }, FRAMEWORKS);
  const end = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  process.stdout.write(`${lines.join('\n')}\n1-minute load average at the end: ${end}.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
