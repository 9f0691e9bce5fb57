import { describe, expect, it } from 'vitest';
import type { Sample, ScenarioResult } from '../runner/bench';
import { roundRatios, spread, summarize } from './summary';

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
  it('pairs each round with the same round of the baseline, and takes the median', () => {
    const bare = scenario('fastify/bare', [1000, 800, 1200]);
    const jwt = scenario('fastify/jwt', [900, 400, 1000]);
    const summary = summarize(jwt, bare);
    // Per round: 0.9, 0.5, 0.8333…; a noisy round hitting both alike cancels out.
    expect(summary.ratio).toBeCloseTo(1000 / 1200);
    expect(summary.roundRatios?.min).toBeCloseTo(0.5);
    expect(summary.roundRatios?.max).toBeCloseTo(0.9);
  });

  it('leaves out rounds the baseline did not run', () => {
    const bare = scenario('fastify/bare', [1000]);
    const jwt = scenario('fastify/jwt', [500, 10]);
    expect(roundRatios(jwt.samples, bare.samples)).toEqual({ median: 0.5, min: 0.5, max: 0.5 });
  });

  it('counts non-2xx answers and socket errors as failures', () => {
    const jwt = scenario('fastify/jwt', [900]);
    (jwt.samples[0] as Sample).non2xx = 3;
    (jwt.samples[0] as Sample).errors = 1;
    expect(summarize(jwt, null).failures).toBe(4);
    expect(summarize(jwt, null).ratio).toBeNull();
  });
});
