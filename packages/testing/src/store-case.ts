import type {
  AccessTokenStore,
  MfaStore,
  OAuthAccount,
  OAuthAccountData,
  SessionStore,
  User,
  UserCreateData,
  UserStore,
} from '@portcullis/core';
import { isPortcullisError } from '@portcullis/core';
import { expect } from 'vitest';

/**
 * The stores under test, as `storeSuite`'s `create()` returns them. `accessTokens` is required
 * unless `capabilities.accessTokens` is false; `sessions` is tested when
 * `capabilities.sessions` is true.
 */
export interface StoreSuiteStores {
  users: UserStore;
  accessTokens?: AccessTokenStore;
  sessions?: SessionStore;
  /** Given when `storeSuite` was called with `mfa: true`; the MFA cases use it. */
  mfa?: MfaStore;
}

/** Sample values for the custom user fields the stores were created with. */
export interface CustomFieldSamples {
  /** Written by `create`; every key is a custom field the store reads and writes. */
  create: Record<string, unknown>;
  /** Written by a later `update`: other values for (some of) the same fields. */
  update: Record<string, unknown>;
}

/** What a case runs with. */
export interface StoreCaseContext {
  users: UserStore;
  accessTokens: AccessTokenStore;
  sessions: SessionStore;
  /** The MFA store, when `create()` returned one (`capabilities.mfa`). */
  mfa?: MfaStore;
  /** A fresh address, unique to this run: `tag.<run><n>@camelot.bt`. */
  email(tag?: string): string;
  /** A fresh opaque token, unique to this run. */
  token(): string;
  /** Creates a user with a fresh address (or the given one) and a placeholder hash. */
  newUser(data?: Partial<UserCreateData>): Promise<User>;
  /** How many calls the race cases fire at once. */
  concurrency: number;
  customFields: CustomFieldSamples | undefined;
}

/** A capability a case needs; without it the case is skipped, decided before anything runs. */
export type StoreCapability =
  | 'customFields'
  | 'accessTokens'
  | 'sessions'
  | 'sessionsWithUser'
  | 'sessionsByIdWithUser'
  | 'mfa';

/** One case of the store suite: a stable id, what it proves, and the proof. */
export interface StoreCase<Id extends string = string> {
  readonly id: Id;
  readonly title: string;
  readonly requires?: StoreCapability;
  run(context: StoreCaseContext): Promise<void>;
}

/** Declares a case; the id's literal type feeds the suite's typed skip list. */
export function defineStoreCase<const Id extends string>(
  id: Id,
  title: string,
  run: (context: StoreCaseContext) => Promise<void>,
  requires?: StoreCapability,
): StoreCase<Id> {
  return requires === undefined ? { id, title, run } : { id, title, run, requires };
}

/** Stands in for a store the suite was not given; any use fails the case that made it. */
export function absentStore<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new Error(`the stores under test have no ${name} (called ${String(property)})`);
    },
  });
}

/** A placeholder password hash; stores never interpret it. */
export const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2g';

/** Waits for a promise to settle and returns what it was rejected with (undefined if none). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Expects a PortcullisError with this code, whose message does not give `secret` away. */
export async function expectStoreError(
  promise: Promise<unknown>,
  code: string,
  secret?: string,
): Promise<void> {
  const error = await rejectionOf(promise);
  expect(isPortcullisError(error), `expected a PortcullisError ${code}, got ${String(error)}`).toBe(
    true,
  );
  expect((error as { code: string }).code).toBe(code);
  if (secret !== undefined) {
    expect((error as Error).message.toLowerCase()).not.toContain(secret.toLowerCase());
  }
}

/** The error code of a settled call, or undefined when it succeeded. */
export function codeOf(result: PromiseSettledResult<unknown>): string | undefined {
  if (result.status === 'fulfilled') return undefined;
  return isPortcullisError(result.reason) ? result.reason.code : String(result.reason);
}

/** An OAuth account as a provider callback would link it. */
export function oauthAccountData(overrides: Partial<OAuthAccountData> = {}): OAuthAccountData {
  return {
    oauth_name: 'google',
    access_token: 'ya29.access-token',
    expires_at: 1_900_000_000,
    refresh_token: 'refresh-token',
    account_id: 'g-1',
    account_email: 'linked@camelot.bt',
    ...overrides,
  };
}

/** The OAuth accounts a store attached to a user. */
export function linkedAccounts(user: User | null): OAuthAccount[] {
  const accounts = user?.oauth_accounts;
  expect(Array.isArray(accounts), 'the store attaches oauth_accounts to users').toBe(true);
  return accounts as OAuthAccount[];
}
