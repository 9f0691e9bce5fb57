import type { Framework, Stack } from '../config';
import type { BenchResult, Sample, ScenarioResult } from '../runner/bench';
import { STACKS } from '../runner/stacks';

/** Median and spread of one figure over the rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/** A scenario's figures over its rounds. Latencies in ms, medians over rounds. */
export interface Summary {
  result: ScenarioResult;
  rps: Spread | null;
  p50: number | null;
  p99: number | null;
  /**
   * Median of the per-round ratios: each round's req/s over the same round's baseline (same
   * framework, same run).
   */
  ratio: number | null;
  /** Those per-round ratios: the whisker. */
  roundRatios: Spread | null;
  /** Server CPU time per completed request, µs (all threads): robust to a busy machine. */
  cpuPerRequest: Spread | null;
  /** The baseline's CPU per request over this one's, median over rounds: "× bare" by cost. */
  cpuRatio: number | null;
  /** CPU time the server got over wall time: below 1 it waited, for I/O or for the CPU. */
  cpuShare: Spread | null;
  loopP50: Spread | null;
  loopP99: Spread | null;
  probeP50: number | null;
  probeP99: number | null;
  /** Responses that were not 2xx, and socket errors, over all rounds. */
  failures: number;
}

const figure = (samples: readonly Sample[], pick: (s: Sample) => number | undefined) =>
  spread(samples.map(pick).filter((v): v is number => typeof v === 'number'));

/** Server CPU time per completed request, µs (every thread). */
export const cpuPerRequest = (s: Sample): number | undefined =>
  s.serverCpuMs !== undefined && s.requests > 0 ? (s.serverCpuMs * 1000) / s.requests : undefined;

/**
 * `top / bottom` per round, for the rounds both ran: a paired comparison, so what changed between
 * rounds (the machine's other load) cancels out as far as it hit both alike.
 */
export function roundRatios(
  top: readonly Sample[],
  bottom: readonly Sample[],
  pick: (sample: Sample) => number | undefined = (sample) => sample.rps,
): Spread | null {
  return spread(
    top.flatMap((sample) => {
      const other = bottom.find((b) => b.round === sample.round);
      const [a, b] = [pick(sample), other ? pick(other) : undefined];
      return a !== undefined && b !== undefined && b > 0 ? [a / b] : [];
    }),
  );
}

export function summarize(scenario: ScenarioResult, baseline: ScenarioResult | null): Summary {
  const { samples } = scenario;
  const base = baseline?.samples ?? [];
  const perRound = roundRatios(samples, base);
  // Cost ratio: the baseline's CPU per request over this one's.
  const cpuRatio = roundRatios(base, samples, cpuPerRequest);
  return {
    result: scenario,
    rps: figure(samples, (s) => s.rps),
    p50: figure(samples, (s) => s.p50)?.median ?? null,
    p99: figure(samples, (s) => s.p99)?.median ?? null,
    ratio: perRound?.median ?? null,
    roundRatios: perRound,
    cpuPerRequest: figure(samples, cpuPerRequest),
    cpuRatio: cpuRatio?.median ?? null,
    cpuShare: figure(samples, (s) =>
      s.serverCpuMs !== undefined && s.serverWallMs ? s.serverCpuMs / s.serverWallMs : undefined,
    ),
    loopP50: figure(samples, (s) => s.loop?.p50),
    loopP99: figure(samples, (s) => s.loop?.p99),
    probeP50: figure(samples, (s) => s.probe?.p50)?.median ?? null,
    probeP99: figure(samples, (s) => s.probe?.p99)?.median ?? null,
    failures: samples.reduce((n, s) => n + s.non2xx + s.errors, 0),
  };
}

/** The id of the bare route a scenario is compared with (same framework, same database). */
export function baselineId(scenario: Pick<ScenarioResult, 'framework' | 'stack'>): string | null {
  if (!scenario.framework || scenario.stack === 'argon2') return null;
  // A run saved before a row existed may name a stack this version no longer knows.
  const spec = STACKS[scenario.stack] as (typeof STACKS)[Stack] | undefined;
  return `${scenario.framework}/${spec?.baseline ?? 'bare'}`;
}

/**
 * Every scenario summarized against its framework's bare route reading the same database:
 * the PostgreSQL rows against the PostgreSQL bare route, the others against the SQLite one.
 */
export function summarizeAll(result: BenchResult): Map<string, Summary> {
  const byId = new Map(result.scenarios.map((s) => [s.id, s]));
  const summaries = new Map<string, Summary>();
  for (const scenario of result.scenarios) {
    const id = baselineId(scenario);
    summaries.set(scenario.id, summarize(scenario, id ? (byId.get(id) ?? null) : null));
  }
  return summaries;
}

export function frameworksOf(result: BenchResult): Framework[] {
  const seen: Framework[] = [];
  for (const { framework } of result.scenarios) {
    if (framework && !seen.includes(framework)) seen.push(framework);
  }
  return seen;
}
