import { describe, expect, it } from 'vitest';
import { roundOrder } from './bench';
import { catalogue } from './scenarios';

describe('roundOrder', () => {
  const scenarios = catalogue({ connections: 1, only: /\/(bare|jwt|raw)$/ });

  it('runs every scenario once per round, framework blocks rotating, the baseline first', () => {
    const ids = (round: number): string[] => roundOrder(scenarios, round).map((s) => s.id);
    expect(ids(1)).toEqual([
      'fastify/bare',
      'fastify/jwt',
      'koa/bare',
      'koa/jwt',
      'express/bare',
      'express/jwt',
      'argon2/raw',
    ]);
    expect(ids(2).slice(0, 2)).toEqual(['koa/bare', 'koa/jwt']);
    expect(ids(3).slice(0, 2)).toEqual(['express/bare', 'express/jwt']);
    expect(ids(4)).toEqual(ids(1));
    expect([...ids(2)].sort()).toEqual([...ids(1)].sort());
  });
});
