import type { RateLimitStore } from '@portcullis/core';
import type { AttemptKey, AttemptPolicy } from '@portcullis/core/adapter';
import { expect } from 'vitest';

/** What a rate-limit store case runs with. */
export interface RateLimitCaseContext {
  store: RateLimitStore;
  /**
   * A fresh `{tag}` unique to this run: keys built with it (`login:{tag}`, `login:{tag}:a`)
   * share a Redis Cluster hash slot, as the login throttle's keys do.
   */
  tag(): string;
  /** A time to start from: close to the real clock, so stores' own expiry stays sane. */
  now: number;
  /** How many calls the race cases fire at once. */
  concurrency: number;
}

export interface RateLimitCase<Id extends string = string> {
  readonly id: Id;
  readonly title: string;
  run(context: RateLimitCaseContext): Promise<void>;
}

function defineCase<const Id extends string>(
  id: Id,
  title: string,
  run: (context: RateLimitCaseContext) => Promise<void>,
): RateLimitCase<Id> {
  return { id, title, run };
}

const POLICY: AttemptPolicy = { initialDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };

function pair(tag: string, threshold = 3, accountThreshold = 100): AttemptKey[] {
  return [
    { key: `login:{${tag}}:a`, threshold },
    { key: `login:{${tag}}`, threshold: accountThreshold },
  ];
}

export const rateLimitCases = [
  defineCase('RATELIMIT-HIT-001', 'counts hits in one window and reports its end', async (c) => {
    const key = `addr:{${c.tag()}}`;
    const first = await c.store.hit(key, 60_000, c.now);
    const second = await c.store.hit(key, 60_000, c.now + 10);
    const third = await c.store.hit(key, 60_000, c.now + 59_999);
    expect([first.count, second.count, third.count]).toEqual([1, 2, 3]);
    expect(first.resetAt).toBe(c.now + 60_000);
    expect(third.resetAt).toBe(c.now + 60_000);
  }),
  defineCase('RATELIMIT-HIT-002', 'opens a new window once the last one ended', async (c) => {
    const key = `addr:{${c.tag()}}`;
    await c.store.hit(key, 1000, c.now);
    await c.store.hit(key, 1000, c.now + 500);
    const next = await c.store.hit(key, 1000, c.now + 1000);
    expect(next).toEqual({ count: 1, resetAt: c.now + 2000 });
  }),
  defineCase('RATELIMIT-HIT-003', 'keeps keys apart', async (c) => {
    const a = `addr:{${c.tag()}}`;
    const b = `addr:{${c.tag()}}`;
    await c.store.hit(a, 60_000, c.now);
    await c.store.hit(a, 60_000, c.now);
    expect((await c.store.hit(b, 60_000, c.now)).count).toBe(1);
  }),
  defineCase('RATELIMIT-HIT-004', 'counts concurrent hits exactly once each', async (c) => {
    const key = `addr:{${c.tag()}}`;
    const results = await Promise.all(
      Array.from({ length: c.concurrency }, () => c.store.hit(key, 60_000, c.now)),
    );
    const counts = results.map((r) => r.count).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: c.concurrency }, (_, i) => i + 1));
  }),
  defineCase(
    'RATELIMIT-ATTEMPT-001',
    'allows attempts up to the threshold, then locks for the first delay',
    async (c) => {
      const keys = pair(c.tag(), 3);
      for (let i = 0; i < 3; i++) {
        expect(await c.store.attempt(keys, POLICY, c.now + i)).toEqual({ allowed: true });
      }
      const refused = await c.store.attempt(keys, POLICY, c.now + 10);
      expect(refused).toEqual({ allowed: false, lockedUntil: c.now + 2 + 1000, key: keys[0]?.key });
      expect(await c.store.attempt(keys, POLICY, c.now + 1002)).toEqual({ allowed: true });
    },
  ),
  defineCase(
    'RATELIMIT-ATTEMPT-002',
    'doubles the delay with every further attempt, up to the maximum',
    async (c) => {
      const keys = pair(c.tag(), 1);
      let now = c.now;
      const delays: number[] = [];
      for (let i = 0; i < 6; i++) {
        expect((await c.store.attempt(keys, POLICY, now)).allowed).toBe(true);
        const refused = await c.store.attempt(keys, POLICY, now);
        if (refused.allowed) throw new Error('expected a lock');
        delays.push(refused.lockedUntil - now);
        now = refused.lockedUntil;
      }
      expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    },
  ),
  defineCase('RATELIMIT-ATTEMPT-003', 'changes nothing for a refused attempt', async (c) => {
    const keys = pair(c.tag(), 2);
    await c.store.attempt(keys, POLICY, c.now);
    await c.store.attempt(keys, POLICY, c.now);
    for (let i = 0; i < 5; i++) await c.store.attempt(keys, POLICY, c.now + 100);
    // Still the first lock: the refused attempts neither counted nor moved it.
    const refused = await c.store.attempt(keys, POLICY, c.now + 999);
    expect(refused).toEqual({ allowed: false, lockedUntil: c.now + 1000, key: keys[0]?.key });
    expect(await c.store.attempt(keys, POLICY, c.now + 1000)).toEqual({ allowed: true });
  }),
  defineCase(
    'RATELIMIT-ATTEMPT-004',
    'refuses the whole set when one key is locked, counting none of the others',
    async (c) => {
      const tag = c.tag();
      const account = { key: `login:{${tag}}`, threshold: 3 };
      const pairA = { key: `login:{${tag}}:a`, threshold: 1 };
      const pairB = { key: `login:{${tag}}:b`, threshold: 100 };
      // Pair a locks at once; its refused attempts must not spend the account's budget.
      await c.store.attempt([pairA, account], POLICY, c.now);
      for (let i = 0; i < 10; i++) await c.store.attempt([pairA, account], POLICY, c.now + 1);
      expect((await c.store.attempt([pairB, account], POLICY, c.now + 2)).allowed).toBe(true);
      expect((await c.store.attempt([pairB, account], POLICY, c.now + 3)).allowed).toBe(true);
      const refused = await c.store.attempt([pairB, account], POLICY, c.now + 4);
      expect(refused).toEqual({ allowed: false, lockedUntil: c.now + 3 + 1000, key: account.key });
    },
  ),
  defineCase(
    'RATELIMIT-ATTEMPT-005',
    'never lets concurrent attempts past the threshold',
    async (c) => {
      const keys = pair(c.tag(), 3);
      const outcomes = await Promise.all(
        Array.from({ length: Math.max(c.concurrency, 6) }, () =>
          c.store.attempt(keys, POLICY, c.now),
        ),
      );
      expect(outcomes.filter((o) => o.allowed)).toHaveLength(3);
    },
  ),
  defineCase('RATELIMIT-ATTEMPT-006', 'forgets counts after forgetAfterMs', async (c) => {
    const keys = pair(c.tag(), 3);
    await c.store.attempt(keys, POLICY, c.now);
    await c.store.attempt(keys, POLICY, c.now);
    // Past forgetAfterMs: the count starts again, so two more attempts do not lock.
    const later = c.now + POLICY.forgetAfterMs;
    await c.store.attempt(keys, POLICY, later);
    await c.store.attempt(keys, POLICY, later);
    expect(await c.store.attempt(keys, POLICY, later)).toEqual({ allowed: true });
  }),
  defineCase('RATELIMIT-RESET-001', 'forgets counts and locks on reset', async (c) => {
    const keys = pair(c.tag(), 2);
    await c.store.attempt(keys, POLICY, c.now);
    await c.store.attempt(keys, POLICY, c.now);
    expect((await c.store.attempt(keys, POLICY, c.now)).allowed).toBe(false);
    await c.store.reset(keys.map((k) => k.key));
    expect(await c.store.attempt(keys, POLICY, c.now)).toEqual({ allowed: true });
    expect(await c.store.attempt(keys, POLICY, c.now)).toEqual({ allowed: true });
  }),
] as const;
