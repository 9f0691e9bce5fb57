import { describe, expect, it } from 'vitest';
import type { Sample, ScenarioResult } from '../runner/bench';
import { spread, summarize } from './summary';

const sample = (round: number, rps: number): Sample => ({
  round,
  rps,
  p50: 1,
  p99: 2,
  requests: rps,
  non2xx: 0,
  errors: 0,
});

const scenario = (id: string, rps: number[]): ScenarioResult => ({
  id,
  framework: 'fastify',
  stack: id === 'fastify/bare' ? 'bare' : 'jwt',
  label: id,
  connections: 10,
  samples: rps.map((value, i) => sample(i + 1, value)),
  errors: [],
});

describe('spread', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(spread([])).toBeNull();
  });
});

describe('summarize', () => {
  it('divides median req/s by the baseline median, and pairs rounds for the whisker', () => {
    const bare = scenario('fastify/bare', [1000, 800, 1200]);
    const jwt = scenario('fastify/jwt', [900, 400, 1000]);
    const summary = summarize(jwt, bare);
    expect(summary.ratio).toBeCloseTo(900 / 1000);
    // Per round: 0.9, 0.5, 0.8333…
    expect(summary.roundRatios?.min).toBeCloseTo(0.5);
    expect(summary.roundRatios?.max).toBeCloseTo(0.9);
  });

  it('counts non-2xx answers and socket errors as failures', () => {
    const jwt = scenario('fastify/jwt', [900]);
    (jwt.samples[0] as Sample).non2xx = 3;
    (jwt.samples[0] as Sample).errors = 1;
    expect(summarize(jwt, null).failures).toBe(4);
    expect(summarize(jwt, null).ratio).toBeNull();
  });
});
