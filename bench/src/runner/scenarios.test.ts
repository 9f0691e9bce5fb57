import { describe, expect, it } from 'vitest';
import type { Fixture } from '../config';
import { catalogue, skippedStacks } from './scenarios';
import { plannedStacks, REFRESH_STARTS_PER_LOAD, STACK_ORDER, STACKS } from './stacks';

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

  it('has no planned row left: the session rows run on every framework', () => {
    const all = ids({ connections: 1 });
    expect(plannedStacks()).toEqual([]);
    for (const fw of ['fastify', 'koa', 'express']) {
      expect(all).toContain(`${fw}/session-guard`);
      expect(all).toContain(`${fw}/session-refresh`);
    }
  });

  it('hands every session-refresh server refresh tokens no other server got', () => {
    const [scenario] = catalogue({ connections: 2, only: /^koa\/session-refresh$/ });
    if (!scenario) throw new Error('koa/session-refresh is not in the catalogue');
    const refreshTokens = Array.from(
      { length: 2 * 2 * REFRESH_STARTS_PER_LOAD },
      (_, i) => `r${i}`,
    );
    const fixture = { refreshTokens } as unknown as Fixture;
    const first = scenario.load(fixture, 'http://127.0.0.1:1').refreshChain ?? [];
    const second = scenario.load(fixture, 'http://127.0.0.1:1').refreshChain ?? [];
    expect(first).toHaveLength(2 * REFRESH_STARTS_PER_LOAD);
    expect([...first, ...second].sort()).toEqual([...refreshTokens].sort());
    expect(() => scenario.load(fixture, 'http://127.0.0.1:1')).toThrow(/used up/);
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
