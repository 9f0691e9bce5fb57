import type { UserCreateData } from '@portcullis/core';
import { beforeAll, beforeEach, describe, test } from 'vitest';
import type {
  CustomFieldSamples,
  StoreCase,
  StoreCaseContext,
  StoreSuiteStores,
} from './store-case';
import { HASH } from './store-case';
import { emailCases } from './store-cases-email';
import { lifecycleCases, oauthCases, tokenCases } from './store-cases-links';
import { mfaCases } from './store-cases-mfa';
import { userCases } from './store-cases-users';

const storeCases = [
  ...userCases,
  ...emailCases,
  ...oauthCases,
  ...tokenCases,
  ...lifecycleCases,
  ...mfaCases,
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
  /** How many calls the race cases fire at once. Default 8. */
  concurrency?: number;
  /**
   * `create()` also returns an `MfaStore` as `mfa`: run the STORE-MFA cases. Without it they
   * are skipped.
   */
  mfa?: boolean;
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
  for (const [id, reason] of Object.entries(options.skip ?? {})) {
    if (!(storeCaseIds as readonly string[]).includes(id)) {
      throw new Error(`skip names an unknown store case id: ${id}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(`skipping ${id} needs a reason`);
    }
  }
  const concurrency = options.capabilities?.concurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 2)) {
    throw new Error('capabilities.concurrency must be an integer of at least 2');
  }
}

/** Why a case does not run, or undefined when it does; known before any case runs. */
function skipReason(c: StoreCase, options: StoreSuiteOptions): string | undefined {
  const declared = (options.skip as Readonly<Record<string, string>> | undefined)?.[c.id];
  if (declared !== undefined) return declared;
  if (c.requires !== undefined && !options.capabilities?.[c.requires]) {
    return `capabilities.${c.requires} not provided`;
  }
  return undefined;
}

/**
 * The conformance suite for storage adapters: users (CRUD, case-insensitive email lookup and
 * uniqueness in ASCII and beyond, compare-and-set), OAuth accounts, access tokens (lifetime,
 * single deletion), the cascade on user delete, concurrent duplicate registrations (exactly
 * one wins) and custom fields. Each case has a stable id (`STORE-EMAIL-002`); a store that
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
 *     accessTokens: createSqlAccessTokenStore(db),
 *   }),
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
      const email = (tag = 'user'): string => `${tag}.${next()}@camelot.bt`;
      context = {
        ...stores,
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
