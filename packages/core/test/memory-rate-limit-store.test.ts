import { rateLimitStoreSuite } from '@portcullis/testing';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from '../src/abuse/memory-rate-limit-store';

rateLimitStoreSuite({ name: 'memory', create: async () => createMemoryRateLimitStore() });

describe('the memory rate-limit store', () => {
  it('stays within maxKeys, dropping the least recently written keys first', async () => {
    const store = createMemoryRateLimitStore({ maxKeys: 3 });
    const now = Date.now();
    for (const key of ['a', 'b', 'c']) await store.hit(key, 60_000, now);
    await store.hit('a', 60_000, now);
    await store.hit('d', 60_000, now);
    // b was the least recently written: it starts again; a and c are still counted.
    expect((await store.hit('b', 60_000, now)).count).toBe(1);
    expect((await store.hit('a', 60_000, now)).count).toBe(3);
  });

  it('refuses a maxKeys that is not a positive integer', () => {
    expect(() => createMemoryRateLimitStore({ maxKeys: 0 })).toThrow('maxKeys');
  });
});
