import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createMemoryUserStore } from '../../test/memory-store';
import { createPortcullis } from '../portcullis';
import type { OAuthAccount, User } from '../types';
import { defineUserFields } from '../user-fields';
import { oauthAccountRead, publicOAuthAccount, publicOAuthAccounts } from './account-view';

const SECRET = 'view-secret-view-secret-view-secret!';

const account: OAuthAccount = {
  id: 'a1',
  oauth_name: 'github',
  access_token: 'gho_secret',
  expires_at: 1_900_000_000,
  refresh_token: 'ghr_secret',
  account_id: '583231',
  account_email: 'octocat@github.com',
};

describe('OAuth accounts in responses (no provider tokens)', () => {
  test('show id, oauth_name, account_id, account_email and expires_at, never tokens', () => {
    expect(publicOAuthAccount(account)).toEqual({
      id: 'a1',
      oauth_name: 'github',
      account_id: '583231',
      account_email: 'octocat@github.com',
      expires_at: 1_900_000_000,
    });
    expect(Object.keys(oauthAccountRead.with(z).shape)).toEqual(
      Object.keys(publicOAuthAccount(account)),
    );
  });

  test('a user without loaded accounts shows an empty list', () => {
    const user = { id: 1, email: 'a@b.c' } as unknown as User;
    expect(publicOAuthAccounts(user)).toEqual([]);
  });

  test('serialize strips tokens when the app adds oauth_accounts to its read schema', async () => {
    const users = createMemoryUserStore();
    const portcullis = createPortcullis({
      userManager: {
        users,
        resetPasswordToken: { secret: SECRET },
        verificationToken: { secret: SECRET },
      },
      backends: [],
      userFields: defineUserFields({
        oauth_accounts: z.array(oauthAccountRead.with(z)).optional(),
      }),
    });
    const created = await users.create({ email: 'octocat@camelot.bt', hashed_password: 'x' });
    const { id: _id, ...data } = account;
    const user = await users.addOAuthAccount(created, data);
    const shown = portcullis.serialize(user);
    expect(shown.oauth_accounts).toEqual([
      expect.objectContaining({ oauth_name: 'github', account_id: '583231' }),
    ]);
    expect(JSON.stringify(shown)).not.toMatch(/gho_secret|ghr_secret/);
  });
});
