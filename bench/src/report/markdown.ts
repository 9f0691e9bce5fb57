import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Framework } from '../config';
import type { BenchResult } from '../runner/bench';
import { LOAD_GATE } from '../runner/gate';
import { isLoginStorm, PROBE_RATE, STACK_LABELS } from '../runner/scenarios';
import { plannedStacks, STACK_ORDER, STACKS } from '../runner/stacks';
import { importSection } from './imports';
import {
  baselineId,
  cpuPerRequest,
  frameworksOf,
  roundRatios,
  type Spread,
  type Summary,
  spread,
  summarizeAll,
} from './summary';
import { checkTargets, type Measured } from './targets';

/** Hand-written notes (profiles, fixes, before/after) appended to every report. */
const NOTES = fileURLToPath(new URL('../../results/notes.md', import.meta.url));

const NAMES: Record<Framework, string> = { fastify: 'Fastify', koa: 'Koa', express: 'Express' };

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number | null): string => (n === null ? '–' : n.toFixed(n < 10 ? 2 : 1));
const range = (s: Spread | null, show: (n: number) => string = int): string =>
  s ? `${show(s.median)} (${show(s.min)}–${show(s.max)})` : '–';
const ratio = (n: number | null): string => (n === null ? '–' : `${n.toFixed(2)}×`);

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function failed(summary: Summary): string {
  const { errors } = summary.result;
  if (errors.length > 0) return ` ⚠ ${errors.length} failed run(s)`;
  return summary.failures > 0 ? ` ⚠ ${int(summary.failures)} non-2xx/errors` : '';
}

function frameworkTable(fw: Framework, summaries: Map<string, Summary>): string[] {
  const lines = [
    `### ${NAMES[fw]}`,
    '',
    row([
      'scenario',
      'req/s median (min–max)',
      'p50 ms',
      'p99 ms',
      'server CPU µs/req (× bare)',
      'CPU got',
      '× bare',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const summary of summaries.values()) {
    const { result } = summary;
    if (result.framework !== fw || isLoginStorm(result.stack)) continue;
    const onPostgres = result.stack !== 'bare-pg' && baselineId(result) === `${fw}/bare-pg`;
    lines.push(
      row([
        `${result.label}${onPostgres ? ' ¹' : ''}${failed(summary)}`,
        range(summary.rps),
        ms(summary.p50),
        ms(summary.p99),
        summary.cpuPerRequest
          ? `${int(summary.cpuPerRequest.median)} (${ratio(summary.cpuRatio)})`
          : '–',
        summary.cpuShare ? `${Math.round(summary.cpuShare.median * 100)} %` : '–',
        ratio(summary.ratio),
      ]),
    );
  }
  const footnote = lines.some((line) => line.includes(' ¹'));
  return [
    ...lines,
    '',
    ...(footnote
      ? ['¹ × the bare route reading the same user row from PostgreSQL (its own row above).', '']
      : []),
  ];
}

function loginRow(name: string, login: Summary, argon2: Summary | undefined): string {
  const [mine, raw] = [login.result.samples, argon2?.result.samples ?? []];
  const cpu = login.cpuPerRequest;
  return row([
    `${name}${failed(login)}`,
    range(login.rps),
    `${ms(login.p50)} / ${ms(login.p99)}`,
    ms(login.loopP50?.median ?? null),
    range(login.loopP99, (n) => n.toFixed(2)),
    `${ms(login.probeP50)} / ${ms(login.probeP99)}`,
    cpu ? int(cpu.median) : '–',
    ratio(argon2 ? (roundRatios(mine, raw)?.median ?? null) : null),
    ratio(argon2 ? (roundRatios(raw, mine, cpuPerRequest)?.median ?? null) : null),
  ]);
}

/** The storm's rows in the registry's order: the login, the hasher before issue 7, and so on. */
const STORMS = STACK_ORDER.filter((stack) => STACKS[stack].storm);

function loginTable(result: BenchResult, summaries: Map<string, Summary>): string[] {
  const argon2 = summaries.get('argon2/raw');
  const lines = [
    '## Login storm',
    '',
    'Rows, per framework:',
    ...STORMS.map(
      (stack) => `- ${STACK_LABELS[stack]}${STACKS[stack].planned ? ' (planned)' : ''}`,
    ),
    `- last: ${STACK_LABELS.argon2}, its own CPU time per verify for the cost ratio.`,
    '',
    `Logins with the right password, ${result.options.loginInFlight} in flight; meanwhile one more`,
    `connection asks the JWT-guarded \`GET /user\` (token reused, ${PROBE_RATE} requests/s) and the`,
    'server samples its event-loop delay (`perf_hooks.monitorEventLoopDelay`, 1 ms resolution,',
    'armed after the warm-up, before the measured load; a delay is the time beyond the 1 ms',
    'interval).',
    '',
    row([
      'framework',
      'logins/s median (min–max)',
      'login p50 / p99 ms',
      'loop delay p50 ms',
      'loop delay p99 ms (min–max)',
      '`/user` during the storm p50 / p99 ms',
      'CPU µs/login',
      '× raw argon2',
      '× raw argon2 by CPU',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const fw of frameworksOf(result)) {
    for (const stack of STORMS) {
      const login = summaries.get(`${fw}/${stack}`);
      const suffix = stack === 'login' ? '' : ` (${stack})`;
      if (login) lines.push(loginRow(`${NAMES[fw]}${suffix}`, login, argon2));
    }
  }
  if (argon2) {
    lines.push(
      row([
        `${argon2.result.label}${failed(argon2)}`,
        range(argon2.rps),
        '–',
        '–',
        '–',
        '–',
        argon2.cpuPerRequest ? int(argon2.cpuPerRequest.median) : '–',
        '1.00×',
        '1.00×',
      ]),
    );
  }
  return [...lines, ''];
}

function demoTable(result: BenchResult): string[] {
  if (result.demos.length === 0) return [];
  const lines = [
    '## Demo cold start',
    '',
    'Spawn to the "listening on" line of `examples/<framework>` (`node --import tsx/esm',
    'src/server.ts`, as `pnpm start` runs it, on a fresh SQLite file, so the first-start migrations',
    'are included), and resident memory after one idle second. Median (min–max) of the starts',
    `(${result.demos[0]?.startMs.length ?? 0} each), after one untimed start in a full run.`,
    '',
    row(['demo', 'start to listening, ms', 'idle RSS, MiB']),
    row(['---', '---:', '---:']),
  ];
  for (const demo of result.demos) {
    lines.push(
      row([
        `${NAMES[demo.framework]}${demo.error ? ` ⚠ ${demo.error}` : ''}`,
        range(spread(demo.startMs)),
        range(spread(demo.rssMiB), (n) => n.toFixed(1)),
      ]),
    );
  }
  return [...lines, ''];
}

const status = (m: Measured | null): string[] => (m ? [m.shown, m.status] : ['–', '–']);

function targetTable(result: BenchResult): string[] {
  return [
    '## Targets',
    '',
    'Every ratio must hold both by throughput (req/s, paired by round) and by cost (server CPU',
    'time per request, the other row’s over this one’s, paired by round).',
    '',
    row([
      'target',
      'framework',
      'by req/s (or the figure)',
      'status',
      'by CPU/req (imports: CPU ms)',
      'status',
    ]),
    row(['---', '---', '---:', '---', '---:', '---']),
    ...checkTargets(result).map((t) =>
      row([t.target, t.framework ? NAMES[t.framework] : '–', ...status(t.rps), ...status(t.cpu)]),
    ),
    '',
  ];
}

/** Rows designed but not built yet (the features they measure are not there yet). */
function plannedSection(): string[] {
  const planned = plannedStacks();
  if (planned.length === 0) return [];
  return [
    '## Planned rows',
    '',
    'Defined in `bench/src/runner/stacks.ts`, not run until the feature they measure exists:',
    '',
    ...planned.map((p) => `- \`${p.stack}\`: ${p.label}. Waits for ${p.waitsFor}.`),
    '',
  ];
}

function header(result: BenchResult): string[] {
  const { machine: m, options: o, pinning } = result;
  const versions = Object.entries(m.packages).map(([name, version]) => `${name} ${version}`);
  const busy = m.loadAverageStart > LOAD_GATE;
  return [
    '# Portcullis benchmarks',
    '',
    ...(busy
      ? [
          `> **⚠ ${result.forced ? 'Forced run' : 'Busy machine'}:** this run started with a ` +
            `1-minute load average of ${m.loadAverageStart}, above ${LOAD_GATE}` +
            `${result.forced ? ' (written anyway with `--force`)' : ''}. Other work took CPU ` +
            'from the servers; compare its ratios with care and its absolute figures not at all.',
          '',
        ]
      : []),
    `- Run: ${result.startedAt} → ${result.finishedAt}${m.commit ? `, commit \`${m.commit}\`` : ''}.`,
    `- Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}.`,
    `- Other load on the machine (1-minute load average): ${m.loadAverageStart} at the start, ` +
      `${m.loadAverageEnd ?? '?'} at the end.`,
    pinning.note
      ? `- Not pinned (${pinning.note}).`
      : `- Servers pinned to core ${pinning.server}, the load generator to core ${pinning.load} ` +
        `(\`taskset\`); local database servers: ${pinning.services ?? 'not moved'}.`,
    `- Each scenario: a fresh server process, ${o.warmup} s warm-up, ${o.duration} s measured, ` +
      `${o.connections} connection(s) (login storm: ${o.loginInFlight}); ${o.runs} round(s), ` +
      'each running every scenario once (framework blocks rotating from round to round), so ' +
      'noise hits all alike.',
    '- req/s: median over the rounds (min–max). Latencies: median over the rounds of ' +
      'autocannon’s p50 and p99.',
    '- **× bare**: each round’s req/s over the same round’s req/s of the same framework’s bare ' +
      'route (the same user row read through the same store from the same database, no ' +
      'authentication: the PostgreSQL rows against the PostgreSQL bare route), median over ' +
      'the rounds. Comparisons between two scenarios (targets) are paired by round the same way.',
    '- **Server CPU µs/req**: the server process’s CPU time (every thread) per completed ' +
      'request, median over the rounds; in brackets the bare route’s over this one’s (paired by ' +
      'round), a ratio by cost that a busy machine disturbs less than req/s. **CPU got**: that CPU time over the ' +
      'wall time (one core = 100 %); below 100 % the server waited, on I/O or for the CPU.',
    `- Versions: ${versions.join(', ')}.`,
    '',
    'See `docs/performance.md` for the method and how to reproduce.',
    '',
  ];
}

/**
 * The results as Markdown: one table per framework, the login storm, the targets, the demos,
 * then `results/notes.md`.
 *
 * @example
 * ```ts
 * await writeFile('results/latest.md', renderMarkdown(await runBenchmark(options)));
 * ```
 */
export function renderMarkdown(result: BenchResult): string {
  const summaries = summarizeAll(result);
  const lines = [...header(result), '## Guarded route: req/s by scenario', ''];
  for (const fw of frameworksOf(result)) lines.push(...frameworkTable(fw, summaries));
  lines.push(...loginTable(result, summaries));
  lines.push(...targetTable(result));
  if (result.imports) lines.push(...importSection(result.imports, frameworksOf(result)));
  lines.push(...demoTable(result), ...plannedSection());
  if (result.skipped.length > 0) {
    lines.push('## Not run', '', ...result.skipped.map((s) => `- \`${s.stack}\`: ${s.reason}`), '');
  }
  if (existsSync(NOTES)) lines.push(readFileSync(NOTES, 'utf8').trim(), '');
  return `${lines.join('\n')}`;
}
