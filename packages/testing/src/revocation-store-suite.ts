import type { TokenRevocationStore, User, UserLookup } from '@portcullis/core';
import { createJwtStrategy } from '@portcullis/core';
import { createTokenId } from '@portcullis/core/adapter';
import { expect } from 'vitest';
import { caseSuite } from './case-suite';

interface RevocationCaseContext {
  store: TokenRevocationStore;
  /** A new store instance on the same storage, as a second server would have. */
  another(): Promise<TokenRevocationStore>;
  /** A user id unique to this run. */
  userId(): string;
}

interface RevocationCase {
  readonly id: string;
  readonly title: string;
  run(context: RevocationCaseContext): Promise<void>;
}

const later = (ms: number): Date => new Date(Date.now() + ms);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const revocationCases = [
  {
    id: 'REVOCATION-001',
    title: 'revokes a jti until its expiry, twice harmlessly; other jtis stay valid',
    async run({ store }: RevocationCaseContext) {
      const jti = createTokenId();
      expect(await store.isRevoked(jti)).toBe(false);
      await store.revoke(jti, later(60_000));
      await store.revoke(jti, later(60_000));
      expect(await store.isRevoked(jti)).toBe(true);
      expect(await store.isRevoked(createTokenId())).toBe(false);
    },
  },
  {
    id: 'REVOCATION-002',
    title: 'ignores entries once their expiry has passed, and never stores one already past',
    async run({ store, userId }: RevocationCaseContext) {
      const [soon, past, user, pastUser] = [createTokenId(), createTokenId(), userId(), userId()];
      await store.revoke(soon, later(300));
      await store.revokeAllForUser(user, new Date(), later(300));
      await store.revoke(past, later(-1000));
      await store.revokeAllForUser(pastUser, new Date(), later(-1000));
      expect(await store.isRevoked(past)).toBe(false);
      expect(await store.revokedBefore(pastUser)).toBeNull();
      expect(await store.isRevoked(soon)).toBe(true);
      expect(await store.revokedBefore(user)).not.toBeNull();
      // Waits for the expiry to pass: no assertion on how long anything took.
      await sleep(400);
      expect(await store.isRevoked(soon)).toBe(false);
      expect(await store.revokedBefore(user)).toBeNull();
    },
  },
  {
    id: 'REVOCATION-003',
    title: 'gives back a cut-off with millisecond precision, and null for a user without one',
    async run({ store, userId }: RevocationCaseContext) {
      const user = userId();
      const before = new Date(1_700_000_000_123);
      expect(await store.revokedBefore(user)).toBeNull();
      await store.revokeAllForUser(user, before, later(60_000));
      expect(await store.revokedBefore(user)).toEqual(before);
      expect(await store.revokedBefore(userId())).toBeNull();
    },
  },
  {
    id: 'REVOCATION-004',
    title:
      'keeps the latest of 20 concurrent cut-offs whatever order they land in; an earlier one never lowers it',
    async run({ store, userId }: RevocationCaseContext) {
      const user = userId();
      const base = Date.now();
      const offsets = Array.from({ length: 20 }, (_, i) => (i * 7) % 20);
      await Promise.all(
        offsets.map((o) => store.revokeAllForUser(user, new Date(base + o), later(60_000 + o))),
      );
      expect(await store.revokedBefore(user)).toEqual(new Date(base + 19));
      await store.revokeAllForUser(user, new Date(base - 1000), later(60_000));
      expect(await store.revokedBefore(user)).toEqual(new Date(base + 19));
    },
  },
  {
    id: 'REVOCATION-005',
    title: 'keeps a cut-off without expiry for good',
    async run({ store, userId }: RevocationCaseContext) {
      const user = userId();
      const before = new Date(1_700_000_000_000);
      await store.revokeAllForUser(user, before, null);
      expect(await store.revokedBefore(user)).toEqual(before);
    },
  },
  {
    id: 'REVOCATION-006',
    title:
      'JWT logout and log out everywhere hold across strategy instances, each with its own store instance',
    async run({ store, another, userId }: RevocationCaseContext) {
      const arthur: User = {
        id: userId(),
        email: 'arthur@camelot.bt',
        hashed_password: 'x',
        is_active: true,
        is_superuser: false,
        is_verified: false,
      };
      const users: UserLookup = { findById: async (id) => (id === arthur.id ? arthur : null) };
      const secret = 'revocation-suite-secret-revocation-suite';
      const one = createJwtStrategy({ secret, lifetimeSeconds: 3600, revocation: store });
      const two = createJwtStrategy({ secret, lifetimeSeconds: 3600, revocation: await another() });
      const a = await one.writeToken(arthur);
      const b = await one.writeToken(arthur);
      await two.destroyToken(a, arthur);
      expect(await one.readToken(a, users)).toBeNull();
      expect(await one.readToken(b, users)).toBe(arthur);
      await two.revokeAllForUser?.(arthur);
      expect(await one.readToken(b, users)).toBeNull();
      expect(await one.readToken(await one.writeToken(arthur), users)).toBe(arthur);
    },
  },
] as const satisfies readonly RevocationCase[];

/** Every case id of the JWT revocation store suite, e.g. `REVOCATION-004`. */
export type RevocationCaseId = (typeof revocationCases)[number]['id'];

/** Every case id, in the order the suite runs them. */
export const revocationCaseIds: readonly RevocationCaseId[] = Object.freeze(
  revocationCases.map((c) => c.id),
);

export interface RevocationStoreSuiteOptions {
  /** Shown in the suite's title, e.g. `Redis`. */
  name: string;
  /**
   * Builds a store on the storage under test. Called once before the first case, and again
   * by the case that needs a second instance on the same storage.
   */
  create(): Promise<TokenRevocationStore>;
  /** Cases the store cannot pass, each with the reason, declared before anything runs. */
  skip?: Readonly<Partial<Record<RevocationCaseId, string>>>;
}

/**
 * The conformance suite for JWT revocation stores (`createJwtStrategy({ revocation })`): a
 * revoked `jti` stays revoked until its expiry, expired entries are ignored at once, a user's
 * cut-off keeps millisecond precision and only ever rises under concurrent calls, a cut-off
 * without expiry stays, and logouts hold across strategy instances. Call it at the top level of
 * a vitest test file.
 *
 * @example
 * ```ts
 * import { revocationStoreSuite } from '@portcullis/testing';
 * revocationStoreSuite({ name: 'Redis', create: async () => createRedisRevocationStore({ redis }) });
 * ```
 */
export function revocationStoreSuite(options: RevocationStoreSuiteOptions): void {
  caseSuite<RevocationCaseContext>({
    kind: 'revocation',
    name: options.name,
    cases: revocationCases,
    skip: options.skip ?? {},
    context: async (unique) => ({
      store: await options.create(),
      another: () => options.create(),
      userId: () => `rev-${unique()}`,
    }),
  });
}
