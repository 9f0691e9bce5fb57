import { describe, expect, test } from 'vitest';
import { serviceUrls } from '../src/config';
import { renderMarkdown } from '../src/report/markdown';
import { renderSvg } from '../src/report/svg';
import { type BenchResult, runBenchmark } from '../src/runner/bench';
import { isLoginStorm } from '../src/runner/scenarios';

// CI's smoke run of the benchmark (issue 7): every scenario for about a second, one connection,
// so the bench never rots; every import probe and the quick-start server once. It checks that
// each answers, not how fast: speed lives in the full run (`pnpm bench`), never in a test.

const SMOKE_TIMEOUT = 360_000;

describe('benchmark smoke run', () => {
  let result: BenchResult;

  test(
    'runs every scenario, each answering only 2xx',
    async () => {
      result = await runBenchmark({
        duration: 1,
        warmup: 0.25,
        runs: 1,
        connections: 1,
        loginInFlight: 2,
        pin: false,
        parallel: 3,
        demos: false,
        imports: { rounds: 1, starts: 1, warm: false },
        ...serviceUrls(),
        log: () => undefined,
      });
      // Every scenario is expected here: PostgreSQL and Redis run on this machine (scripts/services.sh starts them).
      expect(result.skipped).toEqual([]);
      const ids = result.scenarios.map((scenario) => scenario.id);
      for (const peer of ['passport-jwt', 'express-session', 'authjs']) {
        expect(ids).toContain(`express/${peer}`);
      }
      expect(ids).toContain('argon2/raw');
      for (const framework of ['fastify', 'koa', 'express']) {
        for (const stack of [
          'bare',
          'bare-pg',
          'jwt',
          'jwt-before',
          'jwt-cold',
          'cookie-pg',
          'cookie-redis',
          'login',
          'login-before',
          'login-throttle-on',
          'login-throttle-off',
          'session-guard',
          'session-refresh',
        ]) {
          expect(ids).toContain(`${framework}/${stack}`);
        }
      }
      const problems = result.scenarios.flatMap((scenario) => {
        const [sample] = scenario.samples;
        if (scenario.errors.length > 0) return [`${scenario.id}: ${scenario.errors.join('; ')}`];
        if (!sample) return [`${scenario.id}: no sample`];
        if (sample.non2xx > 0 || sample.errors > 0) {
          return [`${scenario.id}: ${sample.non2xx} non-2xx, ${sample.errors} errors`];
        }
        return sample.rps > 0 ? [] : [`${scenario.id}: no completed request`];
      });
      expect(problems).toEqual([]);
    },
    SMOKE_TIMEOUT,
  );

  test('measures the event-loop delay and the guarded route during the login storm', () => {
    const logins = result.scenarios.filter((scenario) => isLoginStorm(scenario.stack));
    expect(logins).toHaveLength(12);
    for (const login of logins) {
      const [sample] = login.samples;
      expect(sample?.loop?.samples).toBeGreaterThan(0);
      expect(sample?.probe?.non2xx).toBe(0);
      expect(sample?.probe?.rps).toBeGreaterThan(0);
    }
  });

  test('times every import probe and starts the compiled quick-start server', () => {
    const imports = result.imports;
    expect(imports?.samples.filter((sample) => sample.error)).toEqual([]);
    expect(imports?.samples.length).toBeGreaterThanOrEqual(20);
    for (const sample of imports?.samples ?? []) {
      expect(sample.importMs).toHaveLength(1);
      expect(sample.cpuMs[0]).toBeGreaterThan(0);
    }
    expect(imports?.quickstart?.error).toBeUndefined();
    expect(imports?.quickstart?.startMs).toHaveLength(1);
    expect(imports?.quickstart?.rssMiB[0]).toBeGreaterThan(10);
  });

  test('renders a table row and a bar for every HTTP scenario', () => {
    const markdown = renderMarkdown(result);
    const svg = renderSvg(result);
    for (const framework of ['Fastify', 'Koa', 'Express']) {
      expect(markdown).toContain(`### ${framework}`);
      expect(svg).toContain(`>${framework}</text>`);
    }
    for (const scenario of result.scenarios) {
      expect(markdown).toContain(scenario.label);
    }
    expect(markdown).toContain('## Targets');
    expect(markdown).toContain('## Import cost and start-up');
    expect(markdown).toMatch(/\| quick start \| \d/);
  });
});
