import { describe, expect, it } from 'vitest';
import { catalogue, skippedStacks } from './scenarios';
import { plannedStacks, STACK_ORDER, STACKS } from './stacks';

const ids = (options: Parameters<typeof catalogue>[0]): string[] =>
  catalogue(options).map((scenario) => scenario.id);

describe('catalogue', () => {
  it('runs the Express-only peers on Express alone, and the PostgreSQL baseline everywhere', () => {
    const all = ids({ connections: 1 });
    for (const peer of ['passport-jwt', 'express-session', 'authjs']) {
      expect(all).toContain(`express/${peer}`);
      expect(all).not.toContain(`fastify/${peer}`);
      expect(all).not.toContain(`koa/${peer}`);
    }
    for (const fw of ['fastify', 'koa', 'express']) expect(all).toContain(`${fw}/bare-pg`);
  });

  it('never runs a planned row, and lists every one of them', () => {
    const all = ids({ connections: 1 });
    const planned = plannedStacks().map((p) => p.stack);
    expect(planned).toEqual([
      'session-guard',
      'session-refresh',
      'login-throttle-on',
      'login-throttle-off',
    ]);
    for (const stack of planned) expect(all.some((id) => id.endsWith(`/${stack}`))).toBe(false);
  });

  it('leaves out the rows of an unreachable service, with the reason', () => {
    const unavailable = { postgres: 'connection refused' };
    const left = ids({ connections: 1, unavailable });
    expect(left.some((id) => /\/(bare-pg|cookie-pg|express-session|authjs)$/.test(id))).toBe(false);
    expect(left).toContain('koa/cookie-redis');
    expect(skippedStacks(unavailable)).toContainEqual({
      stack: 'authjs',
      reason: 'postgres: connection refused',
    });
  });

  it('compares every row with a baseline row that itself runs wherever the row runs', () => {
    for (const stack of STACK_ORDER) {
      const { baseline, frameworks, needs } = STACKS[stack];
      expect(STACKS[baseline].kind).toBe('baseline');
      expect(STACKS[baseline].frameworks).toBeUndefined();
      // A row on PostgreSQL is compared with the PostgreSQL baseline, and only such rows are.
      expect(baseline === 'bare-pg').toBe(needs?.includes('postgres') === true);
      expect(frameworks === undefined || frameworks.length > 0).toBe(true);
    }
  });
});
