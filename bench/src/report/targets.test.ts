import { describe, expect, it } from 'vitest';
import type { Framework, Stack } from '../config';
import type { BenchResult, Sample, ScenarioResult } from '../runner/bench';
import { renderMarkdown } from './markdown';
import { checkTargets } from './targets';

/** One round of a scenario: req/s and server CPU µs per request. */
const scenario = (
  framework: Framework | null,
  stack: Stack | 'argon2',
  rps: number,
  cpuUsPerRequest: number,
): ScenarioResult => {
  const sample: Sample = {
    round: 1,
    rps,
    p50: 1,
    p99: 2,
    requests: rps * 5,
    non2xx: 0,
    errors: 0,
    serverCpuMs: (rps * 5 * cpuUsPerRequest) / 1000,
    serverWallMs: 5000,
  };
  return {
    id: framework ? `${framework}/${stack}` : 'argon2/raw',
    framework,
    stack,
    label: String(stack),
    connections: 10,
    samples: [sample],
    errors: [],
  };
};

const run = (scenarios: ScenarioResult[], loadAverageStart = 0.2, forced = false): BenchResult => ({
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:10:00.000Z',
  machine: {
    cpus: 2,
    cpuModel: 'test',
    memoryGiB: 1,
    node: 'v20',
    os: 'linux',
    loadAverageStart,
    loadAverageEnd: loadAverageStart,
    commit: null,
    packages: {},
  },
  pinning: { server: 0, load: 1, note: null },
  options: { duration: 5, warmup: 1, runs: 1, connections: 10, loginInFlight: 50 },
  skipped: [],
  scenarios,
  demos: [],
  ...(forced ? { forced } : {}),
});

const find = (result: BenchResult, target: RegExp, fw: Framework) =>
  checkTargets(result).find((check) => target.test(check.target) && check.framework === fw);

describe('checkTargets', () => {
  it('judges a ratio by req/s and by CPU per request, each on its own', () => {
    const result = run([
      scenario('fastify', 'bare', 1000, 100),
      // Fast enough by req/s (0.95×), too costly by CPU (100 / 125 = 0.8×).
      scenario('fastify', 'jwt', 950, 125),
    ]);
    const jwt = find(result, /^JWT-guarded/, 'fastify');
    expect(jwt?.rps).toEqual({ shown: '0.95×', status: 'met' });
    expect(jwt?.cpu).toEqual({ shown: '0.80×', status: 'missed' });
  });

  it('compares the PostgreSQL strategy with the bare route on PostgreSQL, not SQLite', () => {
    const result = run([
      scenario('koa', 'bare', 4000, 100),
      scenario('koa', 'bare-pg', 1000, 400),
      scenario('koa', 'cookie-pg', 850, 450),
    ]);
    const pg = find(result, /PostgreSQL ≥ 0.80×/, 'koa');
    expect(pg?.rps.shown).toBe('0.85×');
    expect(pg?.cpu?.shown).toBe('0.89×');
  });

  it('judges the Redis strategy against the bare route, and (proposed) against bare-redis', () => {
    const result = run([
      scenario('fastify', 'bare', 2000, 50),
      scenario('fastify', 'bare-redis', 1400, 70),
      scenario('fastify', 'cookie-redis', 1300, 75),
    ]);
    const plain = find(result, /^cookie \+ Redis strategy ≥ 0.85× bare$/, 'fastify');
    expect(plain?.rps).toEqual({ shown: '0.65×', status: 'missed' });
    const proposed = find(result, /^proposed: cookie \+ Redis/, 'fastify');
    expect(proposed?.rps).toEqual({ shown: '0.93×', status: 'met' });
    expect(proposed?.cpu).toEqual({ shown: '0.93×', status: 'met' });
  });

  it('needs Portcullis at 3× each peer, and says "not measured" for a row that did not run', () => {
    const result = run([
      scenario('express', 'bare-pg', 1000, 400),
      scenario('express', 'cookie-pg', 900, 420),
      scenario('express', 'express-session', 250, 1300),
    ]);
    const session = find(result, /express-session/, 'express');
    expect(session?.rps).toEqual({ shown: '3.60×', status: 'met' });
    expect(session?.cpu?.status).toBe('met');
    expect(find(result, /Auth\.js/, 'express')?.rps.status).toBe('n/a');
  });

  it('compares logins with the raw argon2 loop by CPU per verify too', () => {
    const result = run([
      scenario('fastify', 'login', 45, 22_000),
      scenario(null, 'argon2', 50, 20_000),
    ]);
    const login = find(result, /login throughput/, 'fastify');
    expect(login?.rps).toEqual({ shown: '0.90×', status: 'met' });
    expect(login?.cpu).toEqual({ shown: '0.91×', status: 'met' });
  });
});

describe('renderMarkdown', () => {
  it('says at the top when a run was forced on a busy machine', () => {
    const scenarios = [scenario('fastify', 'bare', 1000, 100)];
    expect(renderMarkdown(run(scenarios, 2.5, true))).toMatch(
      /^# Portcullis benchmarks\n\n> \*\*⚠ Forced run:\*\* .* load average of 2\.5, above 1/,
    );
    expect(renderMarkdown(run(scenarios, 0.4))).not.toContain('⚠');
  });

  it('lists every target with both statuses, and no planned rows once every row runs', () => {
    const markdown = renderMarkdown(run([scenario('fastify', 'bare', 1000, 100)]));
    expect(markdown).toContain('| target | framework | by req/s (or the figure) | status |');
    expect(markdown).toContain('| event-loop delay p99 < 10 ms during the login storm | Fastify |');
    expect(markdown).not.toContain('## Planned rows');
    expect(markdown).not.toContain('(planned)');
  });
});
