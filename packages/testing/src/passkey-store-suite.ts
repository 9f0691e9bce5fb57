import type { PasskeyStore, UserId } from '@portcullis/core';
import { caseSuite } from './case-suite';
import { type PasskeyCaseContext, passkeyCases } from './store-cases-passkeys';

/** Every case id of the passkey store suite, e.g. `PASSKEY-CHALLENGE-003`. */
export type PasskeyCaseId = (typeof passkeyCases)[number]['id'];

/** Every case id, in the order the suite runs them. */
export const passkeyCaseIds: readonly PasskeyCaseId[] = Object.freeze(
  passkeyCases.map((c) => c.id),
);

export interface PasskeyStoreSuiteOptions {
  /** Shown in the suite's title, e.g. `PostgreSQL`. */
  name: string;
  /**
   * Builds the store under test, once, and how to make a user it may reference (a real user
   * row where passkeys have a foreign key to it).
   */
  create(): Promise<{ store: PasskeyStore; newUserId(): Promise<UserId> }>;
  /** Cases the store cannot pass, each with the reason, declared before anything runs. */
  skip?: Readonly<Partial<Record<PasskeyCaseId, string>>>;
  /** How many calls the race case fires at once. Default 10. */
  concurrency?: number;
}

/**
 * The conformance suite for passkey stores: passkeys kept byte for byte, a credential id
 * unique across users, per-user listing and deletion (another user's id deletes nothing), the
 * counter and last use recorded, and challenges that are single-use (exactly one of concurrent
 * takes wins) and never returned once expired. Call it at the top level of a vitest file.
 *
 * @example
 * ```ts
 * import { passkeyStoreSuite } from '@portcullis/testing';
 * passkeyStoreSuite({
 *   name: 'SQLite',
 *   create: async () => ({
 *     store: createSqlPasskeyStore(db),
 *     newUserId: async () => (await users.create({ email: `${randomUUID()}@x.io`, hashed_password: 'x' })).id,
 *   }),
 * });
 * ```
 */
export function passkeyStoreSuite(options: PasskeyStoreSuiteOptions): void {
  caseSuite<PasskeyCaseContext>({
    kind: 'passkey',
    name: options.name,
    cases: passkeyCases,
    skip: options.skip ?? {},
    async context(unique) {
      const { store, newUserId } = await options.create();
      return { store, newUserId, unique, concurrency: options.concurrency ?? 10 };
    },
  });
}
