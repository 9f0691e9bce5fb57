import type { AccessTokenStore, SessionStore, UserCreateData } from '@portcullis/core';
import { beforeAll, beforeEach, describe, test } from 'vitest';
import type {
  CustomFieldSamples,
  StoreCase,
  StoreCaseContext,
  StoreSuiteStores,
} from './store-case';
import { absentStore, defineStoreCase, HASH } from './store-case';
import { emailCases } from './store-cases-email';
import { lifecycleCases, oauthCases, tokenCases } from './store-cases-links';
import { mfaCases } from './store-cases-mfa';
import { checkByIdCapability, sessionByIdCases } from './store-cases-session-by-id';
import { sessionCascadeCase, sessionWithUserCases } from './store-cases-session-user';
import { sessionCases, sessionRace } from './store-cases-sessions';
import { userCases } from './store-cases-users';
import { checkSkips } from './suite-skips';

// The session cases run on a narrower context (sessionStoreSuite runs them without users).
const sessionStoreCases = sessionCases.map((c) =>
  defineStoreCase(
    c.id,
    c.title,
    (context) =>
      c.run({
        sessions: context.sessions,
        userId: async () => (await context.newUser()).id,
        unique: context.token,
        concurrency: sessionRace(context.concurrency),
      }),
    'sessions',
  ),
);

const storeCases = [
  ...userCases,
  ...emailCases,
  ...oauthCases,
  ...tokenCases,
  ...lifecycleCases,
  ...mfaCases,
  ...sessionStoreCases,
  sessionCascadeCase,
  ...sessionWithUserCases,
  ...sessionByIdCases,
];

/** Every case id of the store suite, e.g. `STORE-EMAIL-002`. */
export type StoreCaseId = (typeof storeCases)[number]['id'];

/** Cases a store cannot support, each with the reason, declared before anything runs. */
export type StoreSkips = Readonly<Partial<Record<StoreCaseId, string>>>;

/** Every case id with what it proves, in the order the suite runs them. */
export const storeCaseIds: readonly StoreCaseId[] = Object.freeze(storeCases.map((c) => c.id));

/** What the stores under test can do beyond the required contract. */
export interface StoreSuiteCapabilities {
  /**
   * The stores were created with custom user fields: sample values to write on create and on
   * update. Without it, STORE-CUSTOM-001 is skipped.
   */
  customFields?: CustomFieldSamples;
  /** How many calls the race cases fire at once. Default 8 (the session races use 20 or more). */
  concurrency?: number;
  /**
   * `create()` also returns an `MfaStore` as `mfa`: run the STORE-MFA cases. Without it they
   * are skipped.
   */
  mfa?: boolean;
  /**
   * False when the stores have no `accessTokens` (a store that keeps the database strategy's
   * tokens as sessions): STORE-TOKEN-* and STORE-CASCADE-001 are skipped. Default true.
   */
  accessTokens?: boolean;
  /** True when the stores include `sessions`: STORE-SESSION-* run. Default false. */
  sessions?: boolean;
  /**
   * True when `sessions` has the optional `getByTokenKeyWithUser` (the session and its user in
   * one call): STORE-SESSION-016…019 run. The suite fails at start-up when this does not match
   * the store, so a store with the method always has it tested.
   */
  sessionsWithUser?: boolean;
  /**
   * True when `sessions` has the optional `getByIdWithUser` (a session by id and its user in
   * one call): STORE-SESSION-020…021 run. Checked against the store at start-up, as above.
   */
  sessionsByIdWithUser?: boolean;
}

export interface StoreSuiteOptions {
  /** Shown in the suite's title, e.g. `PostgreSQL`. */
  name: string;
  /**
   * Builds the stores under test, once, before the first case. The user store must attach
   * `oauth_accounts` to the users it returns (as OAuth routes need).
   */
  create(): Promise<StoreSuiteStores>;
  /** Runs before each case, e.g. to empty the tables. Optional: cases use fresh addresses. */
  reset?(): Promise<void>;
  skip?: StoreSkips;
  capabilities?: StoreSuiteCapabilities;
}

function checkOptions(options: StoreSuiteOptions): void {
  checkSkips('store', storeCaseIds, options.skip ?? {});
  const concurrency = options.capabilities?.concurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 2)) {
    throw new Error('capabilities.concurrency must be an integer of at least 2');
  }
}

/** Why a case does not run, or undefined when it does; known before any case runs. */
function skipReason(c: StoreCase, options: StoreSuiteOptions): string | undefined {
  const declared = (options.skip as Readonly<Record<string, string>> | undefined)?.[c.id];
  if (declared !== undefined) return declared;
  const capabilities = options.capabilities ?? {};
  if (c.requires === 'accessTokens') {
    return capabilities.accessTokens === false ? 'capabilities.accessTokens is false' : undefined;
  }
  if (c.requires === 'sessions') {
    return capabilities.sessions === true ? undefined : 'capabilities.sessions not set';
  }
  if (c.requires === 'sessionsWithUser') {
    return capabilities.sessionsWithUser === true
      ? undefined
      : 'capabilities.sessionsWithUser not set';
  }
  if (c.requires !== undefined && !capabilities[c.requires]) {
    return `capabilities.${c.requires} not provided`;
  }
  return undefined;
}

/**
 * The conformance suite for storage adapters: users (CRUD, case-insensitive email lookup and
 * uniqueness in ASCII and beyond, compare-and-set), OAuth accounts, access tokens (lifetime,
 * single deletion), sessions (opt-in: `capabilities.sessions`; listing, expiry, exactly one of
 * concurrent deletes or refresh rotations wins), the cascade on user delete, concurrent
 * duplicate registrations (exactly one wins) and custom fields. Each case has a stable id (`STORE-EMAIL-002`); a store that
 * cannot pass one declares it in `skip` with the reason. Call it at the top level of a vitest
 * test file.
 *
 * @example
 * ```ts
 * import { storeSuite } from '@portcullis/testing';
 *
 * storeSuite({
 *   name: 'SQLite',
 *   create: async () => ({
 *     users: createSqlUserStore(db, { withOAuthAccounts: true }),
 *     sessions: createSqlSessionStore(db),
 *   }),
 *   capabilities: { accessTokens: false, sessions: true },
 *   skip: { 'STORE-EMAIL-002': 'SQLite lower() folds ASCII only' },
 * });
 * ```
 */
export function storeSuite(options: StoreSuiteOptions): void {
  checkOptions(options);
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let counter = 0;
  const next = (): string => {
    counter += 1;
    return `${run}${counter}`;
  };
  describe(`store suite: ${options.name}`, () => {
    let context: StoreCaseContext | undefined;
    beforeAll(async () => {
      const stores = await options.create();
      if (options.capabilities?.mfa && !stores.mfa) {
        throw new Error('capabilities.mfa is set but create() returned no mfa store');
      }
      const hasWithUser = typeof stores.sessions?.getByTokenKeyWithUser === 'function';
      if (hasWithUser !== (options.capabilities?.sessionsWithUser === true)) {
        throw new Error(
          hasWithUser
            ? 'the session store has getByTokenKeyWithUser: set capabilities.sessionsWithUser so STORE-SESSION-016…019 test it'
            : 'capabilities.sessionsWithUser is set, but the session store has no getByTokenKeyWithUser',
        );
      }
      checkByIdCapability(stores, options.capabilities?.sessionsByIdWithUser === true);
      const email = (tag = 'user'): string => `${tag}.${next()}@camelot.bt`;
      context = {
        users: stores.users,
        accessTokens: stores.accessTokens ?? absentStore<AccessTokenStore>('accessTokens'),
        sessions: stores.sessions ?? absentStore<SessionStore>('sessions'),
        ...(stores.mfa ? { mfa: stores.mfa } : {}),
        email,
        token: () => `tok-${next()}-${Math.random().toString(36).slice(2, 10)}`,
        newUser: (data: Partial<UserCreateData> = {}) =>
          stores.users.create({ email: email(), hashed_password: HASH, ...data }),
        concurrency: options.capabilities?.concurrency ?? 8,
        customFields: options.capabilities?.customFields,
      };
    });
    if (options.reset) {
      const reset = options.reset;
      beforeEach(() => reset());
    }
    for (const c of storeCases) {
      const reason = skipReason(c, options);
      if (reason !== undefined) {
        test.skip(`${c.id} ${c.title} (skipped: ${reason})`, () => undefined);
        continue;
      }
      test(`${c.id} ${c.title}`, async () => {
        if (context === undefined) throw new Error('the stores were not created');
        await c.run(context);
      });
    }
  });
}
