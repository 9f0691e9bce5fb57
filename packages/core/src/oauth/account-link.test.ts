import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fastHasher } from '../../test/app';
import { createMemoryUserStore } from '../../test/memory-store';
import { ErrorCode, isPortcullisError } from '../errors';
import { UserManager } from '../manager';
import type { OAuthAccount, User, UserStore } from '../types';
import type { OAuthCallbackData } from './account-link';

const SECRET = 'manager-secret-manager-secret-manager';

function data(overrides: Partial<OAuthCallbackData> = {}): OAuthCallbackData {
  return {
    oauthName: 'oidc',
    accessToken: 'access-1',
    expiresAt: 1_900_000_000,
    refreshToken: 'refresh-1',
    accountId: 'acct-1',
    accountEmail: 'gawain@camelot.bt',
    emailVerified: true,
    ...overrides,
  };
}

function accounts(user: User): OAuthAccount[] {
  return user.oauth_accounts as OAuthAccount[];
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isPortcullisError(error) ? error.code : String(error);
  }
  return 'resolved';
}

describe('UserManager OAuth callbacks', () => {
  let users: ReturnType<typeof createMemoryUserStore>;
  let manager: UserManager;
  const onAfterRegister = vi.fn();
  const onAfterUpdate = vi.fn();

  beforeEach(() => {
    users = createMemoryUserStore();
    onAfterRegister.mockReset();
    onAfterUpdate.mockReset();
    manager = new UserManager({
      users,
      passwordHasher: fastHasher(),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      hooks: { onAfterRegister, onAfterUpdate },
    });
  });

  const existing = (email: string): Promise<User> =>
    users.create({ email, hashed_password: 'x', is_verified: false });

  test('creates an unverified user with a random password, then onAfterRegister', async () => {
    const user = await manager.oauthCallback(data());
    expect(user.email).toBe('gawain@camelot.bt');
    expect(user.is_verified).toBe(false);
    expect(user.hashed_password).toMatch(/^\$argon2id\$/);
    expect(accounts(user)).toEqual([
      expect.objectContaining({
        oauth_name: 'oidc',
        account_id: 'acct-1',
        access_token: 'access-1',
        refresh_token: 'refresh-1',
        expires_at: 1_900_000_000,
        account_email: 'gawain@camelot.bt',
      }),
    ]);
    expect(onAfterRegister).toHaveBeenCalledTimes(1);
    expect(onAfterRegister.mock.calls[0]?.[0].id).toBe(user.id);
  });

  test('creates verified users with isVerifiedByDefault', async () => {
    const user = await manager.oauthCallback(data(), { isVerifiedByDefault: true });
    expect(user.is_verified).toBe(true);
  });

  test('a returning account refreshes its tokens and email, not the user email', async () => {
    const first = await manager.oauthCallback(data());
    onAfterRegister.mockReset();
    const again = await manager.oauthCallback(
      data({
        accessToken: 'access-2',
        refreshToken: 'refresh-2',
        expiresAt: 1_900_000_100,
        accountEmail: 'gawain@orkney.bt',
      }),
    );
    expect(again.id).toBe(first.id);
    expect(again.email).toBe('gawain@camelot.bt');
    expect(accounts(again)).toHaveLength(1);
    expect(accounts(again)[0]).toMatchObject({
      access_token: 'access-2',
      refresh_token: 'refresh-2',
      expires_at: 1_900_000_100,
      account_email: 'gawain@orkney.bt',
    });
    expect(onAfterRegister).not.toHaveBeenCalled();
    expect(onAfterUpdate).not.toHaveBeenCalled();
  });

  test('keeps the stored refresh token when the provider sends none (upstream erases it)', async () => {
    await manager.oauthCallback(data());
    const again = await manager.oauthCallback(
      data({ accessToken: 'access-2', refreshToken: null, expiresAt: null }),
    );
    expect(accounts(again)[0]).toMatchObject({
      access_token: 'access-2',
      refresh_token: 'refresh-1',
      expires_at: null,
    });
  });

  test('refuses an existing email without associateByEmail (USER_ALREADY_EXISTS)', async () => {
    await existing('Gawain@camelot.bt');
    expect(await codeOf(manager.oauthCallback(data()))).toBe(ErrorCode.USER_ALREADY_EXISTS);
  });

  test('associates by email when asked and the provider verified the email', async () => {
    const user = await existing('GAWAIN@camelot.bt');
    const linked = await manager.oauthCallback(data(), { associateByEmail: true });
    expect(linked.id).toBe(user.id);
    expect(linked.is_verified).toBe(false);
    expect(accounts(linked)).toHaveLength(1);
    expect(onAfterRegister).not.toHaveBeenCalled();
  });

  test('does not associate by an unverified email, unless the provider is trusted', async () => {
    const user = await existing('gawain@camelot.bt');
    const unverified = data({ emailVerified: false });
    expect(await codeOf(manager.oauthCallback(unverified, { associateByEmail: true }))).toBe(
      ErrorCode.USER_ALREADY_EXISTS,
    );
    expect((await users.get(user.id))?.oauth_accounts).toBeUndefined();
    const linked = await manager.oauthCallback(unverified, {
      associateByEmail: true,
      dangerouslyTrustProviderEmail: true,
    });
    expect(linked.id).toBe(user.id);
  });

  test('associate links the account to the user and runs onAfterUpdate with {}', async () => {
    const user = await existing('percival@camelot.bt');
    const linked = await manager.oauthAssociateCallback(user, data());
    expect(accounts(linked)).toEqual([expect.objectContaining({ account_id: 'acct-1' })]);
    expect(onAfterUpdate).toHaveBeenCalledWith(
      expect.objectContaining({ id: user.id }),
      {},
      undefined,
    );
  });

  test('associate refuses an account linked to another user (upstream links it twice)', async () => {
    await manager.oauthCallback(data());
    const other = await existing('percival@camelot.bt');
    expect(await codeOf(manager.oauthAssociateCallback(other, data()))).toBe(
      ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED,
    );
    expect((await users.get(other.id))?.oauth_accounts).toBeUndefined();
  });

  test('associating an account twice to one user refreshes it, no duplicate', async () => {
    const user = await existing('percival@camelot.bt');
    await manager.oauthAssociateCallback(user, data());
    const again = await manager.oauthAssociateCallback(
      user,
      data({ accessToken: 'access-2', refreshToken: null }),
    );
    expect(accounts(again)).toHaveLength(1);
    expect(accounts(again)[0]).toMatchObject({
      access_token: 'access-2',
      refresh_token: 'refresh-1',
    });
  });

  test('fails loudly when the store does not load oauth_accounts', async () => {
    await manager.oauthCallback(data());
    const bare: UserStore = {
      ...users,
      async getByOAuthAccount(name, id) {
        const user = await users.getByOAuthAccount(name, id);
        if (user) delete user.oauth_accounts;
        return user;
      },
    };
    const strict = new UserManager({
      users: bare,
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    });
    const error = await strict.oauthCallback(data()).catch((e: unknown) => e);
    expect(isPortcullisError(error) && error.code).toBe(ErrorCode.CONFIGURATION);
    expect((error as Error).message).toMatch(/withOAuthAccounts/);
  });
});
