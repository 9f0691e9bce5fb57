import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { compareAnswers } from './parity';
import { type RunReport, runFuzz } from './run';
import { FRAMEWORKS, type Framework } from './target';

// `pnpm fuzz [--seed N] [--count N] [--frameworks a,b] [--concurrency N] [--idle MS]
//            [--only I,J] [--out results.json]`: hostile requests against the demo apps.
// Exits 1 on any 5xx, dropped or hung connection, dead server, stderr noise or memory growth.

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20261204' },
    count: { type: 'string', default: '10000' },
    frameworks: { type: 'string', default: FRAMEWORKS.join(',') },
    concurrency: { type: 'string', default: '8' },
    idle: { type: 'string', default: '20000' },
    only: { type: 'string' },
    out: { type: 'string' },
    mismatches: { type: 'string' },
  },
});

const seed = Number(values.seed);
const frameworks = (values.frameworks ?? '').split(',').filter(Boolean) as Framework[];
for (const framework of frameworks) {
  if (!FRAMEWORKS.includes(framework)) throw new Error(`unknown framework: ${framework}`);
}
const only = values.only?.split(',').map(Number);
const MEMORY_LIMIT = 1.2;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const reports: RunReport[] = [];
let failed = false;
for (const framework of frameworks) {
  const report = await runFuzz({
    framework,
    seed,
    count: Number(values.count),
    concurrency: Number(values.concurrency),
    idleMs: only ? 0 : Number(values.idle),
    only,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  reports.push(report);
  const fivexx = report.failures.filter((f) => f.kind === 'status-5xx').length;
  const dropped = report.failures.filter((f) => f.kind === 'dropped').length;
  const hung = report.failures.length - fivexx - dropped;
  const memory = report.memory
    ? `, RSS ${mb(report.memory.baseline)} → ${mb(report.memory.afterRun)} → ${mb(report.memory.afterIdle)} after idling (×${report.memory.ratio.toFixed(2)})`
    : '';
  console.log(
    `${framework}: ${report.count} requests in ${report.seconds.toFixed(1)} s ` +
      `(${report.requestsPerSecond.toFixed(0)}/s): ${fivexx} × 5xx, ${dropped} dropped, ` +
      `${hung} hung or unparsable, alive: ${report.alive}${memory}`,
  );
  console.log(`  statuses: ${JSON.stringify(report.statuses)}`);
  for (const failure of report.failures.slice(0, 20)) {
    console.log(
      `  FAIL #${failure.index} ${failure.category} ${failure.kind}: ${failure.detail.slice(0, 160)}` +
        `  (replay: pnpm fuzz --frameworks ${framework} --seed ${seed} --only ${failure.index})`,
    );
  }
  if (report.stderr.length > 0) {
    console.log(`  stderr during the run (${report.stderr.length} lines):`);
    for (const line of report.stderr.slice(0, 5)) console.log(`    ${line.slice(0, 200)}`);
  }
  const memoryGrew = report.memory !== null && report.memory.ratio > MEMORY_LIMIT;
  if (report.failures.length > 0 || !report.alive || report.stderr.length > 0 || memoryGrew) {
    failed = true;
  }
}

const mismatches = compareAnswers(reports);
if (reports.length > 1) {
  console.log(
    `parity: ${mismatches.length} cases answered differently across ${frameworks.join(', ')}`,
  );
  for (const mismatch of mismatches.slice(0, 15)) {
    console.log(`  #${mismatch.index} ${mismatch.category}`);
    for (const [framework, answer] of Object.entries(mismatch.answers)) {
      console.log(`    ${framework}: ${answer.slice(0, 140)}`);
    }
  }
}

if (values.mismatches) {
  writeFileSync(values.mismatches, `${JSON.stringify(mismatches, null, 1)}\n`);
}

if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  const serialisable = reports.map(({ answers: _, ...rest }) => rest);
  writeFileSync(
    values.out,
    `${JSON.stringify({ seed, date: new Date().toISOString(), node: process.version, reports: serialisable, parityMismatches: mismatches.length }, null, 2)}\n`,
  );
}
process.exit(failed ? 1 : 0);
