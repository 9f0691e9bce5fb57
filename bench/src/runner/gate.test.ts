import { describe, expect, it } from 'vitest';
import { gateRefusal } from './gate';

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
