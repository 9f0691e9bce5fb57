import { randomUUID } from 'node:crypto';
import type { SessionStore, UserId } from '@portcullis/core';
import { caseSuite } from './case-suite';
import { type SessionCaseContext, sessionCases, sessionRace } from './store-cases-sessions';

/** Every case id of the session store suite, e.g. `STORE-SESSION-009`. */
export type SessionCaseId = (typeof sessionCases)[number]['id'];

/** Every case id, in the order the suite runs them. */
export const sessionCaseIds: readonly SessionCaseId[] = Object.freeze(
  sessionCases.map((c) => c.id),
);

export interface SessionStoreSuiteOptions {
  /** Shown in the suite's title, e.g. `Redis Cluster`. */
  name: string;
  /** Builds the store under test, once, before the first case. */
  create(): Promise<SessionStore>;
  /**
   * A fresh user id the store accepts. Default: a random UUID, for stores that keep sessions
   * apart from users (nothing checks that the user exists).
   */
  userId?(): Promise<UserId>;
  /** Cases the store cannot pass, each with the reason, declared before anything runs. */
  skip?: Readonly<Partial<Record<SessionCaseId, string>>>;
  /** How many calls the race cases fire at once. Default and minimum 20. */
  concurrency?: number;
}

/**
 * The session cases of `storeSuite` (STORE-SESSION-001…014) for a session store that lives
 * apart from the user store, such as Redis next to a SQL user table: round trips of every
 * field, lookups by token key with `maxAge`, expired sessions never returned, listings newest
 * first, and exactly one winner of concurrent deletes and refresh rotations. Call it at the top
 * level of a vitest test file.
 *
 * @example
 * ```ts
 * import { sessionStoreSuite } from '@portcullis/testing';
 * sessionStoreSuite({ name: 'Redis', create: async () => createRedisSessionStore({ redis }) });
 * ```
 */
export function sessionStoreSuite(options: SessionStoreSuiteOptions): void {
  caseSuite<SessionCaseContext>({
    kind: 'session',
    name: options.name,
    cases: sessionCases,
    skip: options.skip ?? {},
    context: async (unique) => ({
      sessions: await options.create(),
      userId: options.userId ?? (async () => randomUUID()),
      unique,
      concurrency: sessionRace(options.concurrency ?? 20),
    }),
  });
}
