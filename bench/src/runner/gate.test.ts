import { describe, expect, it } from 'vitest';
import { gateRefusal, settle } from './gate';

const base = { out: '/b/results', committed: '/b/results', render: false, force: false };

describe('gateRefusal', () => {
  it('refuses to overwrite the committed results from a run starting above 1.0', () => {
    expect(gateRefusal({ ...base, load: 1.01 })).toMatch(/load average is 1.01 .*--force/);
  });

  it('lets a quiet run, a forced run, another folder and a re-render through', () => {
    expect(gateRefusal({ ...base, load: 1 })).toBeNull();
    expect(gateRefusal({ ...base, load: 3, force: true })).toBeNull();
    expect(gateRefusal({ ...base, load: 3, out: '/tmp/bench' })).toBeNull();
    expect(gateRefusal({ ...base, load: 3, render: true })).toBeNull();
  });
});

describe('settle', () => {
  const readings = (...loads: number[]) => {
    const left = [...loads];
    return () => left.shift() ?? Number.NaN;
  };

  it('waits for the load the build left behind to fall to the gate, then stops reading', async () => {
    const slept: number[] = [];
    const read = readings(2.7, 1.8, 1.2, 0.9, 5);
    const load = await settle({
      readLoad: read,
      sleep: async (ms) => slept.push(ms),
      maxMs: 60_000,
      everyMs: 5_000,
    });
    expect(load).toBe(0.9);
    expect(slept).toEqual([5_000, 5_000, 5_000]);
    expect(read()).toBe(5);
  });

  it('does not wait on a quiet machine, and gives up after maxMs on a busy one', async () => {
    const slept: number[] = [];
    const sleep = async (ms: number) => slept.push(ms);
    expect(await settle({ readLoad: readings(0.4), sleep, maxMs: 60_000 })).toBe(0.4);
    expect(slept).toEqual([]);
    const busy = await settle({ readLoad: () => 3, sleep, maxMs: 15_000, everyMs: 5_000 });
    expect(busy).toBe(3);
    expect(slept).toEqual([5_000, 5_000, 5_000]);
  });
});
