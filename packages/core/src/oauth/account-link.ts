import { ErrorCode, PortcullisError } from '../errors';
import type { UserManagerHooks } from '../hooks';
import type { ActionContext } from '../manager';
import type { PasswordHasher } from '../password';
import type { OAuthAccount, OAuthAccountData, User, UserStore } from '../types';

/**
 * What an OAuth callback learned: the tokens and the provider's account (see docs/contract/behaviour.md#oauth-callbacks).
 *
 * @example
 * ```ts
 * const data: OAuthCallbackData = {
 *   oauthName: 'github',
 *   accessToken: tokens.accessToken,
 *   expiresAt: tokens.expiresAt,
 *   refreshToken: tokens.refreshToken,
 *   accountId: identity.id,
 *   accountEmail: identity.email,
 *   emailVerified: identity.emailVerified,
 * };
 * ```
 */
export interface OAuthCallbackData {
  oauthName: string;
  accessToken: string;
  accountId: string;
  accountEmail: string;
  expiresAt?: number | null;
  /** Null or absent: the provider sent none, and a stored one is kept (see docs/contract/quirks.md#oauth-refresh-token). */
  refreshToken?: string | null;
  /** The provider states that it verified `accountEmail`. */
  emailVerified?: boolean;
}

/**
 * Options of `UserManager.oauthCallback`.
 *
 * @example
 * ```ts
 * await manager.oauthCallback(data, { associateByEmail: true, request });
 * ```
 */
export interface OAuthCallbackOptions extends ActionContext {
  /**
   * Link the provider account to an existing user with the same email (case-insensitive)
   * instead of failing with `OAUTH_USER_ALREADY_EXISTS` — only when the provider says the
   * email is verified (see `dangerouslyTrustProviderEmail`).
   */
  associateByEmail?: boolean;
  /**
   * Treat every email this provider returns as verified when associating by email. Only for a
   * provider that never hands out unverified addresses but does not say so: with any other,
   * someone who signs up there with a victim's address takes over the victim's account here.
   */
  dangerouslyTrustProviderEmail?: boolean;
  /** Users created by OAuth get `is_verified: true`. */
  isVerifiedByDefault?: boolean;
}

/** The manager's parts the linking logic uses. */
export interface AccountLinkDeps<U extends User> {
  users: UserStore<U>;
  passwordHasher: PasswordHasher;
  hooks: UserManagerHooks<U>;
}

function accountData(data: OAuthCallbackData): OAuthAccountData {
  return {
    oauth_name: data.oauthName,
    access_token: data.accessToken,
    expires_at: data.expiresAt ?? null,
    refresh_token: data.refreshToken ?? null,
    account_id: data.accountId,
    account_email: data.accountEmail,
  };
}

function accountsOf(user: User): OAuthAccount[] {
  const accounts = user.oauth_accounts;
  if (!Array.isArray(accounts)) {
    // Without the linked accounts the callback cannot tell which row to refresh.
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'The user store must return users with oauth_accounts for OAuth routes ' +
        '(e.g. createSqlUserStore(db, { withOAuthAccounts: true }))',
    );
  }
  return accounts as OAuthAccount[];
}

/**
 * Overwrites the tokens of every linked row of this provider account (upstream) but keeps the
 * stored refresh token when the provider sent no new one: most providers only send it on the
 * first consent, and upstream's null would lose it for good (see docs/contract/quirks.md#oauth-refresh-token).
 */
async function refreshLinkedAccounts<U extends User>(
  users: UserStore<U>,
  user: U,
  data: OAuthCallbackData,
): Promise<U> {
  const fresh = accountData(data);
  let current = user;
  for (const account of accountsOf(user)) {
    if (account.oauth_name !== data.oauthName || account.account_id !== data.accountId) continue;
    current = await users.updateOAuthAccount(current, account, {
      access_token: fresh.access_token,
      expires_at: fresh.expires_at,
      refresh_token: fresh.refresh_token ?? account.refresh_token,
      account_email: fresh.account_email,
    });
  }
  return current;
}

/**
 * The login callback (see docs/contract/behaviour.md#oauth-callbacks): a known provider account logs its user in (tokens refreshed);
 * an unknown one with a taken email fails with USER_ALREADY_EXISTS unless associating by
 * (verified) email; otherwise a user is created, linked and `onAfterRegister` runs.
 */
export async function linkOnLogin<U extends User>(
  deps: AccountLinkDeps<U>,
  data: OAuthCallbackData,
  options: OAuthCallbackOptions,
): Promise<U> {
  const { users, passwordHasher, hooks } = deps;
  const linked = await users.getByOAuthAccount(data.oauthName, data.accountId);
  if (linked) return refreshLinkedAccounts(users, linked, data);

  const existing = await users.getByEmail(data.accountEmail);
  if (existing) {
    const trusted = data.emailVerified === true || options.dangerouslyTrustProviderEmail === true;
    // An unverified provider email proves nothing about who owns the local account.
    if (!options.associateByEmail || !trusted) {
      throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS, 'A user with this email exists');
    }
    return users.addOAuthAccount(existing, accountData(data));
  }

  // No password policy and no email re-validation for OAuth users, as upstream.
  const created = await users.create({
    email: data.accountEmail,
    hashed_password: await passwordHasher.hash(passwordHasher.generate()),
    is_verified: options.isVerifiedByDefault === true,
  });
  const user = await users.addOAuthAccount(created, accountData(data));
  await hooks.onAfterRegister?.(user, options.request);
  return user;
}

/**
 * The associate callback (see docs/contract/behaviour.md#oauth-callbacks): links the provider account to `user`, then
 * `onAfterUpdate(user, {})`. Unlike upstream (see docs/contract/quirks.md#associate-duplicates), an account linked to another user is
 * refused with OAUTH_ACCOUNT_ALREADY_LINKED, and one already linked to this user is refreshed
 * instead of linked twice.
 */
export async function linkToUser<U extends User>(
  deps: AccountLinkDeps<U>,
  user: U,
  data: OAuthCallbackData,
  context: ActionContext,
): Promise<U> {
  const { users, hooks } = deps;
  const owner = await users.getByOAuthAccount(data.oauthName, data.accountId);
  let updated: U;
  if (owner) {
    if (String(owner.id) !== String(user.id)) {
      throw new PortcullisError(
        ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED,
        'This provider account is linked to another user',
      );
    }
    updated = await refreshLinkedAccounts(users, owner, data);
  } else {
    updated = await users.addOAuthAccount(user, accountData(data));
  }
  await hooks.onAfterUpdate?.(updated, {}, context.request);
  return updated;
}
