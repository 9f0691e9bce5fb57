import type { RateLimitStore } from '@portcullis/core';
import { caseSuite } from './case-suite';
import { type RateLimitCaseContext, rateLimitCases } from './store-cases-rate-limit';

/** Every case id of the rate-limit store suite, e.g. `RATELIMIT-ATTEMPT-004`. */
export type RateLimitCaseId = (typeof rateLimitCases)[number]['id'];

/** Every case id, in the order the suite runs them. */
export const rateLimitCaseIds: readonly RateLimitCaseId[] = Object.freeze(
  rateLimitCases.map((c) => c.id),
);

export interface RateLimitStoreSuiteOptions {
  /** Shown in the suite's title, e.g. `Redis Cluster`. */
  name: string;
  /** Builds the store under test, once, before the first case. */
  create(): Promise<RateLimitStore>;
  /** Cases the store cannot pass, each with the reason, declared before anything runs. */
  skip?: Readonly<Partial<Record<RateLimitCaseId, string>>>;
  /** How many calls the race cases fire at once. Default 8. */
  concurrency?: number;
}

/**
 * The conformance suite for rate-limit stores: fixed windows, login attempts that lock at a
 * threshold with doubling delays, a lock on one key refusing the whole set without counting
 * the others, counts forgotten after `forgetAfterMs` and on reset, and exact counts under
 * concurrency (never more attempts through than the threshold). Times are given to the store,
 * so no case waits on the clock. Call it at the top level of a vitest test file.
 *
 * @example
 * ```ts
 * import { rateLimitStoreSuite } from '@portcullis/testing';
 * rateLimitStoreSuite({ name: 'Redis', create: async () => createRedisRateLimitStore({ redis }) });
 * ```
 */
export function rateLimitStoreSuite(options: RateLimitStoreSuiteOptions): void {
  caseSuite<RateLimitCaseContext>({
    kind: 'rate-limit',
    name: options.name,
    cases: rateLimitCases,
    skip: options.skip ?? {},
    context: async (unique) => ({
      store: await options.create(),
      tag: () => `t${unique()}`,
      now: Date.now(),
      concurrency: options.concurrency ?? 8,
    }),
  });
}
