import { buildCase } from './cases';
import { exchange, type Outcome } from './client';
import { encodeCase } from './encode';
import { type Framework, startTarget, type Target } from './target';

export interface RunOptions {
  framework: Framework;
  seed: number;
  /** Hostile requests to send (one connection each). */
  count: number;
  /** Connections in flight at once. */
  concurrency: number;
  /**
   * Milliseconds to idle after the run before measuring memory again; 0 skips the memory
   * check. Before the run, a warm-up of the same mix (another seed) brings the process to its
   * working size, so the check sees growth that stays, not first use.
   */
  idleMs: number;
  /** Only these case indexes (replaying failures). */
  only?: readonly number[];
  /** Milliseconds a connection may stay without a final answer before it counts as hung. */
  timeoutMs?: number;
  progress?(line: string): void;
}

export interface Failure {
  index: number;
  category: string;
  kind: 'status-5xx' | 'dropped' | 'hung' | 'unparsable' | 'stalled-keep-alive';
  detail: string;
}

export interface RunReport {
  framework: Framework;
  seed: number;
  count: number;
  seconds: number;
  requestsPerSecond: number;
  /** Answers by status code (several per case for keep-alive cases). */
  statuses: Record<string, number>;
  categories: Record<string, number>;
  failures: Failure[];
  /** Per case index: `<status> <body>` of its first answer, to compare frameworks. */
  answers: Map<number, string>;
  memory: { baseline: number; afterRun: number; afterIdle: number; ratio: number } | null;
  /** Lines the demo wrote to stderr during the run (it should write none). */
  stderr: string[];
  /** The demo still answered after the run: its docs, a registration and a login. */
  alive: boolean;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A bearer token of a fresh user, for the cases that send `Authorization: Bearer {{token}}`. */
async function userToken(target: Target, name: string): Promise<string> {
  const email = `${name}.${Date.now().toString(36)}@camelot.bt`;
  const password = 'fuzz-password';
  const register = await fetch(`${target.base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (register.status !== 201) throw new Error(`register answered ${register.status}`);
  const login = await fetch(`${target.base}/auth/jwt/login`, {
    method: 'POST',
    body: new URLSearchParams({ username: email, password }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return ((await login.json()) as { access_token: string }).access_token;
}

async function stillServes(target: Target): Promise<boolean> {
  try {
    const docs = await fetch(`${target.base}/openapi.json`);
    if (docs.status !== 200) return false;
    await userToken(target, 'after-fuzz');
    return target.alive();
  } catch {
    return false;
  }
}

function judge(
  index: number,
  category: string,
  outcome: Outcome,
  expected: number,
): Failure | null {
  const fail = (kind: Failure['kind'], detail: string): Failure => ({
    index,
    category,
    kind,
    detail,
  });
  if (outcome.unparsable) return fail('unparsable', outcome.unparsable);
  const bad = outcome.responses.find((response) => response.status >= 500);
  if (bad) return fail('status-5xx', `${bad.status} ${bad.body.slice(0, 200)}`);
  if (outcome.timedOut) {
    const statuses = outcome.responses.map((r) => r.status).join(',');
    return outcome.responses.length > 0 && outcome.responses.length < expected
      ? fail('stalled-keep-alive', `answered ${statuses}, then held the connection`)
      : fail('hung', `no answer, connection held open (answers: ${statuses || 'none'})`);
  }
  if (outcome.responses.length === 0) return fail('dropped', 'connection closed without an answer');
  return null;
}

/** Runs `count` cases from `seed` against one demo with `concurrency` connections at once. */
async function sendAll(
  target: Target,
  seed: number,
  indexes: readonly number[],
  options: { concurrency: number; timeoutMs: number; token: string },
  onOutcome: (index: number, category: string, outcome: Outcome, expected: number) => void,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < indexes.length) {
      const index = indexes[next++] as number;
      const fuzzCase = buildCase(seed, index);
      const outcome = await exchange(target.port, encodeCase(fuzzCase, options.token), {
        halfClose: fuzzCase.halfClose,
        heads: fuzzCase.heads,
        timeoutMs: options.timeoutMs,
      });
      onOutcome(index, fuzzCase.category, outcome, fuzzCase.heads.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

/** One framework's run: start its demo, warm up, fuzz, check it is alive and its memory. */
export async function runFuzz(options: RunOptions): Promise<RunReport> {
  const log = options.progress ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const target = await startTarget(options.framework);
  try {
    const token = await userToken(target, 'fuzz');
    let memory: RunReport['memory'] = null;
    let baseline: number | null = null;
    if (options.idleMs > 0) {
      const warmup = Array.from({ length: Math.min(options.count, 5000) }, (_, i) => i);
      log(
        `${options.framework}: warming up with ${warmup.length} cases (seed ${options.seed + 1})`,
      );
      await sendAll(
        target,
        options.seed + 1,
        warmup,
        { ...options, timeoutMs, token },
        () => undefined,
      );
      await pause(Math.min(options.idleMs, 5000));
      baseline = target.rss();
    }
    const indexes = options.only ?? Array.from({ length: options.count }, (_, i) => i);
    const statuses: Record<string, number> = {};
    const categories: Record<string, number> = {};
    const failures: Failure[] = [];
    const answers = new Map<number, string>();
    const started = performance.now();
    let done = 0;
    await sendAll(
      target,
      options.seed,
      indexes,
      { ...options, timeoutMs, token },
      (index, category, outcome, expected) => {
        categories[category] = (categories[category] ?? 0) + 1;
        for (const response of outcome.responses) {
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        }
        const first = outcome.responses[0];
        if (first) answers.set(index, `${first.status} ${first.body.slice(0, 300)}`);
        const failure = judge(index, category, outcome, expected);
        if (failure) failures.push(failure);
        done += 1;
        if (done % 1000 === 0)
          log(`${options.framework}: ${done}/${indexes.length} (${failures.length} failures)`);
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const alive = await stillServes(target);
    if (baseline !== null) {
      const afterRun = target.rss() ?? 0;
      log(`${options.framework}: idling ${options.idleMs} ms before measuring memory again`);
      await pause(options.idleMs);
      const afterIdle = target.rss() ?? 0;
      memory = { baseline, afterRun, afterIdle, ratio: afterIdle / baseline };
    }
    failures.sort((a, b) => a.index - b.index);
    return {
      framework: options.framework,
      seed: options.seed,
      count: indexes.length,
      seconds,
      requestsPerSecond: indexes.length / seconds,
      statuses,
      categories,
      failures,
      answers,
      memory,
      stderr: target
        .stderrSinceStart()
        .split('\n')
        .filter((line) => line.trim() !== ''),
      alive,
    };
  } finally {
    await target.stop();
  }
}
