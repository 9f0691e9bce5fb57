import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Framework } from '../config';
import type { BenchResult } from '../runner/bench';
import { isLoginStorm, PROBE_RATE, STACK_LABELS } from '../runner/scenarios';
import {
  frameworksOf,
  roundRatios,
  type Spread,
  type Summary,
  spread,
  summarizeAll,
} from './summary';
import { checkTargets } from './targets';

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
    lines.push(
      row([
        `${result.label}${failed(summary)}`,
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
  return [...lines, ''];
}

function loginRow(name: string, login: Summary, argon2: Summary | undefined): string {
  return row([
    `${name}${failed(login)}`,
    range(login.rps),
    `${ms(login.p50)} / ${ms(login.p99)}`,
    ms(login.loopP50?.median ?? null),
    range(login.loopP99, (n) => n.toFixed(2)),
    `${ms(login.probeP50)} / ${ms(login.probeP99)}`,
    ratio(
      argon2 ? (roundRatios(login.result.samples, argon2.result.samples)?.median ?? null) : null,
    ),
  ]);
}

function loginTable(result: BenchResult, summaries: Map<string, Summary>): string[] {
  const argon2 = summaries.get('argon2/raw');
  const lines = [
    '## Login storm',
    '',
    `Rows, per framework: ${STACK_LABELS.login}; then ${STACK_LABELS['login-before']},`,
    'every hash straight to the libuv pool; then the same with login throttling on and off, in',
    `the same run (the first two rows run without it). The last row: ${STACK_LABELS.argon2}.`,
    'Logins with the right password,',
    `${result.options.loginInFlight} in flight; meanwhile one more connection asks the JWT-guarded`,
    `\`GET /user\` (token reused, ${PROBE_RATE} requests/s) and the server samples its event-loop`,
    'delay (`perf_hooks.monitorEventLoopDelay`, 1 ms resolution, armed after the warm-up, before',
    'the measured load; a delay is the time beyond the 1 ms interval).',
    '',
    row([
      'framework',
      'logins/s median (min–max)',
      'login p50 / p99 ms',
      'loop delay p50 ms',
      'loop delay p99 ms (min–max)',
      '`/user` during the storm p50 / p99 ms',
      '× raw argon2',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  const variants = [
    ['login', ''],
    ['login-before', ', hasher as before issue 7 (no limit)'],
    ['login-throttle-on', ', throttling on'],
    ['login-throttle-off', ', throttling off'],
  ] as const;
  for (const fw of frameworksOf(result)) {
    for (const [stack, suffix] of variants) {
      const login = summaries.get(`${fw}/${stack}`);
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
    'are included), and resident memory after one idle second. Median (min–max) of 3 starts after',
    'one untimed start.',
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

function header(result: BenchResult): string[] {
  const { machine: m, options: o, pinning } = result;
  const versions = Object.entries(m.packages).map(([name, version]) => `${name} ${version}`);
  return [
    '# Portcullis benchmarks',
    '',
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
      'route (the same user row read through the same store, no authentication), median over ' +
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
  const targets = checkTargets(result);
  lines.push(
    '## Targets (issue 7)',
    '',
    row(['target', 'framework', 'measured', 'status']),
    row(['---', '---', '---:', '---']),
    ...targets.map((t) =>
      row([t.target, t.framework ? NAMES[t.framework] : '–', t.measured, t.status]),
    ),
    '',
  );
  lines.push(...demoTable(result));
  if (result.skipped.length > 0) {
    lines.push('## Not run', '', ...result.skipped.map((s) => `- \`${s.stack}\`: ${s.reason}`), '');
  }
  if (existsSync(NOTES)) lines.push(readFileSync(NOTES, 'utf8').trim(), '');
  return `${lines.join('\n')}`;
}
