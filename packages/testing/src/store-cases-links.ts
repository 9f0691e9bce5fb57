import { expect } from 'vitest';
import { defineStoreCase, linkedAccounts, oauthAccountData } from './store-case';

/** OAuth accounts linked to users (see docs/contract/behaviour.md#stores). */
export const oauthCases = [
  defineStoreCase(
    'STORE-OAUTH-001',
    'links an OAuth account and finds its owner by provider name and account id',
    async ({ users, newUser, token }) => {
      const user = await newUser();
      const accountId = `g-${token()}`;
      const linked = await users.addOAuthAccount(user, oauthAccountData({ account_id: accountId }));
      expect(linked.id).toEqual(user.id);
      expect((await users.getByOAuthAccount('google', accountId))?.id).toEqual(user.id);
      expect(await users.getByOAuthAccount('github', accountId)).toBeNull();
      expect(await users.getByOAuthAccount('google', `${accountId}-other`)).toBeNull();
    },
  ),
  defineStoreCase(
    'STORE-OAUTH-002',
    'returns the linked accounts on the user, nulls included, with an id each',
    async ({ users, newUser, token }) => {
      const user = await newUser();
      const data = oauthAccountData({
        account_id: `gh-${token()}`,
        oauth_name: 'github',
        expires_at: null,
        refresh_token: null,
      });
      const linked = await users.addOAuthAccount(user, data);
      const [account, ...rest] = linkedAccounts(linked);
      expect(rest).toEqual([]);
      expect(account).toMatchObject(data);
      expect(account?.id === null || account?.id === undefined).toBe(false);
      expect(linkedAccounts(await users.get(user.id))).toEqual(linkedAccounts(linked));
    },
  ),
  defineStoreCase(
    'STORE-OAUTH-003',
    'updates a linked account in place and keeps it findable',
    async ({ users, newUser, token }) => {
      const user = await newUser();
      const accountId = `g-${token()}`;
      const linked = await users.addOAuthAccount(user, oauthAccountData({ account_id: accountId }));
      const [account] = linkedAccounts(linked);
      if (account === undefined) throw new Error('no linked account');
      const changes = { access_token: 'fresh-access', expires_at: 2_000_000_000 };
      const updated = await users.updateOAuthAccount(linked, account, changes);
      expect(linkedAccounts(updated)).toEqual([{ ...account, ...changes }]);
      const owner = await users.getByOAuthAccount('google', accountId);
      expect(linkedAccounts(owner)).toEqual([{ ...account, ...changes }]);
    },
  ),
  defineStoreCase(
    'STORE-OAUTH-004',
    'stores long provider tokens whole (8 KiB access and refresh tokens)',
    async ({ users, newUser, token }) => {
      const user = await newUser();
      const long = `eyJ${'a'.repeat(8192)}`;
      const data = oauthAccountData({
        account_id: `ms-${token()}`,
        access_token: long,
        refresh_token: `${long}r`,
      });
      const [account] = linkedAccounts(await users.addOAuthAccount(user, data));
      expect(account?.access_token).toBe(long);
      expect(account?.refresh_token).toBe(`${long}r`);
    },
  ),
  defineStoreCase(
    'STORE-OAUTH-005',
    'matches provider account ids exactly, case included',
    async ({ users, newUser, token }) => {
      const user = await newUser();
      const accountId = `AbC-${token()}`;
      await users.addOAuthAccount(user, oauthAccountData({ account_id: accountId }));
      expect((await users.getByOAuthAccount('google', accountId))?.id).toEqual(user.id);
      expect(await users.getByOAuthAccount('google', accountId.toLowerCase())).toBeNull();
      expect(await users.getByOAuthAccount('GOOGLE', accountId)).toBeNull();
    },
  ),
];

/** The database strategy's access tokens (see docs/contract/behaviour.md#database-strategy). */
export const tokenCases = [
  defineStoreCase(
    'STORE-TOKEN-001',
    'creates a token and reads it back with its user and creation time',
    async ({ accessTokens, newUser, token }) => {
      const user = await newUser();
      const value = token();
      const before = Date.now();
      const record = await accessTokens.create({ token: value, user_id: user.id });
      expect(record).toMatchObject({ token: value, user_id: user.id });
      expect(record.created_at).toBeInstanceOf(Date);
      expect(record.created_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(record.created_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await accessTokens.getByToken(value)).toEqual(record);
      expect(await accessTokens.getByToken(token())).toBeNull();
    },
  ),
  defineStoreCase(
    'STORE-TOKEN-002',
    'hides a token created before maxAge and shows it from maxAge on',
    async ({ accessTokens, newUser, token }) => {
      const user = await newUser();
      const value = token();
      const record = await accessTokens.create({ token: value, user_id: user.id });
      const at = record.created_at.getTime();
      expect(await accessTokens.getByToken(value, new Date(at))).toEqual(record);
      expect(await accessTokens.getByToken(value, new Date(at - 3_600_000))).toEqual(record);
      expect(await accessTokens.getByToken(value, new Date(at + 1))).toBeNull();
      expect(await accessTokens.getByToken(value, new Date(at + 3_600_000))).toBeNull();
    },
  ),
  defineStoreCase(
    'STORE-TOKEN-003',
    'matches tokens exactly, case included',
    async ({ accessTokens, newUser, token }) => {
      const user = await newUser();
      const value = `MiXeD-${token()}`;
      await accessTokens.create({ token: value, user_id: user.id });
      expect(await accessTokens.getByToken(value.toLowerCase())).toBeNull();
      expect(await accessTokens.getByToken(value.toUpperCase())).toBeNull();
      expect(await accessTokens.delete(value.toLowerCase())).toBe(false);
      expect(await accessTokens.getByToken(value)).not.toBeNull();
    },
  ),
  defineStoreCase(
    'STORE-TOKEN-004',
    'deletes a token once: the first delete reports true, the second false',
    async ({ accessTokens, newUser, token }) => {
      const user = await newUser();
      const value = token();
      await accessTokens.create({ token: value, user_id: user.id });
      expect(await accessTokens.delete(value)).toBe(true);
      expect(await accessTokens.getByToken(value)).toBeNull();
      expect(await accessTokens.delete(value)).toBe(false);
    },
  ),
  defineStoreCase(
    'STORE-TOKEN-005',
    'reports true for exactly one of concurrent deletes of one token',
    async ({ accessTokens, newUser, token, concurrency }) => {
      const user = await newUser();
      for (let round = 0; round < 3; round += 1) {
        const value = token();
        await accessTokens.create({ token: value, user_id: user.id });
        const results = await Promise.all(
          Array.from({ length: concurrency }, () => accessTokens.delete(value)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      }
    },
  ),
  defineStoreCase(
    'STORE-TOKEN-006',
    'deletes all tokens of one user, counts them, and leaves other users’ tokens',
    async ({ accessTokens, newUser, token }) => {
      const user = await newUser();
      const other = await newUser();
      const mine = [token(), token(), token()];
      for (const value of mine) await accessTokens.create({ token: value, user_id: user.id });
      const theirs = token();
      await accessTokens.create({ token: theirs, user_id: other.id });
      expect(await accessTokens.deleteAllForUser(user.id)).toBe(3);
      expect(await accessTokens.deleteAllForUser(user.id)).toBe(0);
      for (const value of mine) expect(await accessTokens.getByToken(value)).toBeNull();
      expect(await accessTokens.getByToken(theirs)).not.toBeNull();
    },
  ),
];

/** What deleting a user takes with it, and the app's own fields. */
export const lifecycleCases = [
  defineStoreCase(
    'STORE-CASCADE-001',
    'deleting a user removes its access tokens and OAuth accounts, and only its',
    async ({ users, accessTokens, newUser, token }) => {
      const user = await newUser();
      const keep = await newUser();
      const [gone, kept] = [`gh-${token()}`, `gh-${token()}`];
      await users.addOAuthAccount(
        user,
        oauthAccountData({ oauth_name: 'github', account_id: gone }),
      );
      await users.addOAuthAccount(
        keep,
        oauthAccountData({ oauth_name: 'github', account_id: kept }),
      );
      const [doomed, survivor] = [token(), token()];
      await accessTokens.create({ token: doomed, user_id: user.id });
      await accessTokens.create({ token: survivor, user_id: keep.id });
      await users.delete(user);
      expect(await accessTokens.getByToken(doomed)).toBeNull();
      expect(await users.getByOAuthAccount('github', gone)).toBeNull();
      expect(await accessTokens.deleteAllForUser(user.id)).toBe(0);
      expect(await accessTokens.getByToken(survivor)).not.toBeNull();
      expect((await users.getByOAuthAccount('github', kept))?.id).toEqual(keep.id);
    },
  ),
  defineStoreCase(
    'STORE-CUSTOM-001',
    'round-trips custom user fields through create, get, getByEmail and update',
    async ({ users, newUser, customFields }) => {
      if (customFields === undefined) throw new Error('capabilities.customFields is required');
      const user = await newUser(customFields.create);
      expect(user).toMatchObject(customFields.create);
      expect(await users.get(user.id)).toMatchObject(customFields.create);
      expect(await users.getByEmail(user.email)).toMatchObject(customFields.create);
      const updated = await users.update(user, customFields.update);
      expect(updated).toMatchObject({ ...customFields.create, ...customFields.update });
      expect(await users.get(user.id)).toMatchObject({
        ...customFields.create,
        ...customFields.update,
      });
    },
    'customFields',
  ),
];
