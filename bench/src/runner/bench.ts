/**
 * A benchmark run: prepare the data, then rounds of every scenario (A B C … A B C …, issue 7),
 * each scenario on a fresh server process, warm-up then measurement.
 */
import { loadavg } from 'node:os';
import { FRAMEWORKS, type Framework, type LoopDelay, type Stack } from '../config';
import { prepareFixture } from '../fixture';
import type { LoadConfig, LoadSample } from '../load/worker';
import type { ImportCost } from '../report/imports';
import { type DemoStart, measureDemos } from './demo';
import { measureImports } from './imports';
import { describeMachine, type Machine } from './machine';
import {
  choosePinning,
  type Load,
  type Pinning,
  pinSelf,
  pinServices,
  startArgon2,
  startLoad,
  startServer,
} from './processes';
import { measureQuickstart } from './quickstart';
import { catalogue, LOGIN_IN_FLIGHT, type Scenario, skippedStacks } from './scenarios';
import { REFRESH_STARTS_PER_LOAD } from './stacks';

export interface BenchOptions {
  /** Seconds measured per run of a scenario. */
  duration: number;
  /** Seconds of load before each measurement (JIT, pools, caches), not recorded. */
  warmup: number;
  /** Rounds; every scenario runs once per round. */
  runs: number;
  /** Connections of every load but the login storm. */
  connections: number;
  /** Logins in flight during the storm (and concurrency of the raw argon2 loop). Default 50. */
  loginInFlight?: number;
  frameworks?: readonly Framework[];
  only?: RegExp;
  /** Pin servers and load generators to different cores with taskset. */
  pin: boolean;
  /** Scenarios run at once (the smoke test only: concurrent runs measure nothing). */
  parallel?: number;
  /** Also time the demos' cold start and idle RSS. */
  demos: boolean;
  /** Timed starts of each demo, after an untimed one when `warm`. Default 3, warm. */
  demoStarts?: { starts: number; warm: boolean };
  /**
   * The import-cost table and the quick-start server's start-up: measured rounds of the
   * import probes, timed starts of the server, and whether an unmeasured round (start) comes
   * first. Left out when absent.
   */
  imports?: { rounds: number; starts: number; warm: boolean };
  /** The run was asked to go on although the machine was busy (`--force`); said in the report. */
  forced?: boolean;
  /** Run the servers under `node --cpu-prof`, writing profiles to this folder. */
  cpuProfileDir?: string;
  postgresUrl: string;
  redisUrl: string;
  log(line: string): void;
}

/**
 * One measurement: a load sample, the server's CPU time meanwhile (all threads), and its
 * event-loop delay when it was armed.
 */
export interface Sample extends LoadSample {
  round: number;
  serverCpuMs?: number;
  serverWallMs?: number;
  loop?: LoopDelay;
}

export interface ScenarioResult {
  id: string;
  framework: Framework | null;
  stack: Stack | 'argon2';
  label: string;
  connections: number;
  samples: Sample[];
  errors: string[];
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  pinning: Pinning;
  options: {
    duration: number;
    warmup: number;
    runs: number;
    connections: number;
    loginInFlight: number;
  };
  /** Scenarios not run, with the reason (a service that could not be reached). */
  skipped: { stack: string; reason: string }[];
  scenarios: ScenarioResult[];
  demos: DemoStart[];
  imports?: ImportCost;
  /** Started although the load average was above the gate (`--force`). */
  forced?: boolean;
}

/**
 * After the storm's warm-up: the load generator closed its connections with up to `connections`
 * logins still queued for a hash, and the server hashes them all the same. Measured from there,
 * the first half second of every storm row went to logins nobody counted (the raw argon2 loop
 * awaits its warm-up's verifies). One more login queues behind them (the hasher serves in
 * arrival order): its answer says they are done.
 */
async function drainLogins(config: LoadConfig): Promise<void> {
  const response = await fetch(`${config.origin}${config.path}`, {
    method: config.method,
    headers: config.headers,
    body: config.body,
  });
  await response.arrayBuffer();
}

async function measure(
  scenario: Scenario,
  fixture: Parameters<Scenario['load']>[0],
  load: Load,
  pinning: Pinning,
  options: BenchOptions,
): Promise<Omit<Sample, 'round'>> {
  if (scenario.stack === 'argon2') {
    const loop = await startArgon2(scenario.connections, pinning.server);
    try {
      if (options.warmup > 0) await loop.run(options.warmup);
      const { cpuMs, ...sample } = await loop.run(options.duration);
      // The loop is the measured process itself: its CPU time is the "server's".
      return cpuMs === undefined ? sample : { ...sample, serverCpuMs: cpuMs };
    } finally {
      await loop.stop();
    }
  }
  const server = await startServer(
    scenario.framework as Framework,
    scenario.stack,
    fixture,
    pinning.server,
    options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {},
  );
  try {
    const config = scenario.load(fixture, server.origin);
    if (options.warmup > 0) await load.run(options.warmup, config);
    if (scenario.loopDelay) await drainLogins(config);
    server.startMeasuring(scenario.loopDelay);
    const sample: Omit<Sample, 'round'> = await load.run(options.duration, config);
    const measured = await server.stopMeasuring();
    sample.serverCpuMs = measured.cpuMs;
    sample.serverWallMs = measured.wallMs;
    if (measured.loop) sample.loop = measured.loop;
    return sample;
  } finally {
    await server.stop();
  }
}

/**
 * The order of a round: framework blocks rotate from round to round (Fastify, Koa, Express;
 * then Koa, Express, Fastify; …), so whatever recurs at the same point of every round does not
 * always hit the same framework. Within a block the order stays: the baseline first.
 */
export function roundOrder(scenarios: readonly Scenario[], round: number): Scenario[] {
  const frameworks = [...new Set(scenarios.flatMap((s) => (s.framework ? [s.framework] : [])))];
  const shift = frameworks.length > 0 ? (round - 1) % frameworks.length : 0;
  const rotated = [...frameworks.slice(shift), ...frameworks.slice(0, shift)];
  return [
    ...rotated.flatMap((fw) => scenarios.filter((s) => s.framework === fw)),
    ...scenarios.filter((s) => s.framework === null),
  ];
}

/** Runs `work` over `items`, `lanes.length` at once, each lane with its own helper. */
async function eachInLanes<T, L>(
  items: readonly T[],
  lanes: readonly L[],
  work: (item: T, lane: L) => Promise<void>,
): Promise<void> {
  let next = 0;
  const run = async (lane: L): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item, lane);
    }
  };
  await Promise.all(lanes.map(run));
}

/**
 * Runs the benchmark: data, rounds of every scenario, the demos' start-up; returns every sample.
 * Writes nothing: `run.ts` renders and saves the result.
 *
 * @example
 * ```ts
 * const result = await runBenchmark({
 *   duration: 5, warmup: 1, runs: 3, connections: 10, pin: true, demos: true,
 *   postgresUrl: 'postgres://postgres:postgres@127.0.0.1:5432/test',
 *   redisUrl: 'redis://127.0.0.1:6379',
 *   log: (line) => process.stderr.write(`${line}\n`),
 * });
 * ```
 */
export async function runBenchmark(options: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date();
  const parallel = options.parallel ?? 1;
  const pinning = choosePinning(options.pin && parallel === 1);
  pinSelf(pinning.load);
  const machine = describeMachine();
  options.log(`machine: ${machine.cpus}× ${machine.cpuModel}, Node ${machine.node}`);
  options.log(
    pinning.note
      ? `not pinned: ${pinning.note}`
      : `servers on core ${pinning.server}, load on core ${pinning.load}`,
  );

  const prepared = await prepareFixture({
    postgresUrl: options.postgresUrl,
    redisUrl: options.redisUrl,
    // Every `session-refresh` server takes refresh tokens no other server got.
    refreshSessions:
      options.runs *
      (options.frameworks ?? FRAMEWORKS).length *
      options.connections *
      REFRESH_STARTS_PER_LOAD,
  });
  const services = pinServices(pinning.load);
  pinning.services = services.note;
  options.log(`database servers: ${services.note}`);
  // Ctrl-C or a kill mid-run still drops the run's PostgreSQL schema, Redis keys and files.
  const interrupted = (signal: NodeJS.Signals): void => {
    options.log(`${signal}: removing the run's data`);
    services.restore();
    void prepared.cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const skipped = skippedStacks(prepared.unavailable);
  for (const { stack, reason } of skipped) options.log(`skipping ${stack}: ${reason}`);

  const scenarios = catalogue({
    connections: options.connections,
    loginInFlight: options.loginInFlight ?? LOGIN_IN_FLIGHT,
    ...(options.frameworks ? { frameworks: options.frameworks } : {}),
    ...(options.only ? { only: options.only } : {}),
    unavailable: prepared.unavailable,
  });
  const results = new Map<string, ScenarioResult>(
    scenarios.map((s) => [
      s.id,
      {
        id: s.id,
        framework: s.framework,
        stack: s.stack,
        label: s.label,
        connections: s.connections,
        samples: [],
        errors: [],
      },
    ]),
  );
  const loads: Load[] = [];
  try {
    for (let lane = 0; lane < Math.max(1, parallel); lane++) {
      loads.push(await startLoad(pinning.load));
    }
    for (let round = 1; round <= options.runs; round++) {
      await eachInLanes(roundOrder(scenarios, round), loads, async (scenario, load) => {
        const result = results.get(scenario.id) as ScenarioResult;
        try {
          const sample = await measure(scenario, prepared.fixture, load, pinning, options);
          result.samples.push({ round, ...sample });
          options.log(
            `[${round}/${options.runs}] ${scenario.id.padEnd(26)} ${sample.rps.toFixed(0).padStart(7)} req/s` +
              `  p50 ${sample.p50} ms  p99 ${sample.p99} ms` +
              (sample.non2xx + sample.errors > 0
                ? `  non-2xx ${sample.non2xx} errors ${sample.errors}`
                : '') +
              (sample.loop ? `  loop p99 ${sample.loop.p99.toFixed(2)} ms` : ''),
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          result.errors.push(message);
          options.log(`[${round}/${options.runs}] ${scenario.id}: FAILED ${message}`);
        }
      });
    }
  } finally {
    await Promise.all(loads.map((load) => load.stop()));
    await prepared.cleanup();
    services.restore();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  const demos = options.demos
    ? await measureDemos(
        pinning.server,
        options.demoStarts ?? { starts: 3, warm: true },
        options.log,
      )
    : [];
  const imports = options.imports ? await importCost(options, pinning) : undefined;
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAverageEnd: describeMachine().loadAverageStart },
    pinning,
    options: {
      duration: options.duration,
      warmup: options.warmup,
      runs: options.runs,
      connections: options.connections,
      loginInFlight: options.loginInFlight ?? LOGIN_IN_FLIGHT,
    },
    skipped,
    scenarios: [...results.values()],
    demos,
    ...(imports ? { imports } : {}),
    ...(options.forced ? { forced: true } : {}),
  };
}

/** The import probes, then the quick-start server's starts, on the servers' core. */
async function importCost(options: BenchOptions, pinning: Pinning): Promise<ImportCost> {
  const settings = options.imports ?? { rounds: 1, starts: 1, warm: false };
  const loadAverage = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const samples = await measureImports({
    frameworks: options.frameworks ?? FRAMEWORKS,
    rounds: settings.rounds,
    warm: settings.warm,
    core: pinning.server,
    parallel: options.parallel ?? 1,
    log: options.log,
  });
  for (const sample of samples) {
    if (!sample.error) options.log(`import ${sample.id}: ${sample.importMs.join(', ')} ms`);
  }
  const quickstart = await measureQuickstart({
    starts: settings.starts,
    warm: settings.warm,
    core: pinning.server,
  });
  options.log(
    quickstart.error
      ? `quick start: FAILED ${quickstart.error}`
      : `quick start: ${quickstart.startMs.join(', ')} ms, RSS ${quickstart.rssMiB.join(', ')} MiB`,
  );
  return { rounds: settings.rounds, warm: settings.warm, loadAverage, samples, quickstart };
}
