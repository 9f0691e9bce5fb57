import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type RunningDemo,
  startDemo,
  startExpectingFailure,
} from '../../shared/src/testing/demo-process';

const appDir = fileURLToPath(new URL('..', import.meta.url));

const login = (demo: RunningDemo, username: string, password: string) =>
  fetch(`${demo.base}/auth/jwt/login`, {
    method: 'POST',
    body: new URLSearchParams({ username, password }),
  });

describe('the fastify demo with RATE_LIMIT unset (on, counters in its SQLite file)', () => {
  let demo: RunningDemo | undefined;
  beforeAll(async () => {
    // The test helper turns throttling off for the contract suites; unset here is the default.
    demo = await startDemo(appDir, { RATE_LIMIT: '', RATE_LIMIT_LOGIN_FAILURES: '2' });
  });
  afterAll(async () => {
    await demo?.stop();
  });

  test('answers 429 with Retry-After once a pair has failed RATE_LIMIT_LOGIN_FAILURES times', async () => {
    const d = demo as RunningDemo;
    const email = `lionel.${Date.now().toString(36)}@camelot.bt`;
    await fetch(`${d.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'round-table' }),
    });
    expect((await login(d, email, 'wrong-password')).status).toBe(400);
    expect((await login(d, email, 'wrong-password')).status).toBe(400);
    const throttled = await login(d, email, 'round-table');
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toEqual({ detail: 'TOO_MANY_REQUESTS' });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('the fastify demo refuses abuse-protection settings it cannot read', () => {
  test.each([
    [{ RATE_LIMIT: 'yes' }, /^error: RATE_LIMIT must be 0 or 1/m],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, /^error: RATE_LIMIT_PER_MINUTE must be an integer/m],
    [{ TRUST_PROXY: 'nginx' }, /^error: TRUST_PROXY must be/m],
    [{ REDIS_URL: 'redis+cluster://' }, /^error: REDIS_URL/m],
  ])('%o', async (env, message) => {
    const result = await startExpectingFailure(appDir, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
