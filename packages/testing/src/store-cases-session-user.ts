// The session cases that need the user store next to the session store (the cascade and
// getByTokenKeyWithUser): `storeSuite` runs them, `sessionStoreSuite` does not.
import type { SessionStore } from '@portcullis/core';
import { expect } from 'vitest';
import { expiredData, MINUTE, ms, oneCallRead, sessionData } from './session-case-data';
import { defineStoreCase } from './store-case';

/** Runs in `storeSuite` only: it needs the user store next to the session store. */
export const sessionCascadeCase = defineStoreCase(
  'STORE-SESSION-015',
  'deleting a user removes its sessions, and only its',
  async ({ users, sessions, newUser, token }) => {
    const user = await newUser();
    const keep = await newUser();
    const doomed = await sessions.create(sessionData(user.id, token()));
    const kept = await sessions.create(sessionData(keep.id, token()));
    await users.delete(user);
    expect(await sessions.get(doomed.id)).toBeNull();
    expect(await sessions.getByTokenKey(doomed.token_key as string)).toBeNull();
    expect(await sessions.listForUser(user.id)).toEqual([]);
    expect(await sessions.get(kept.id)).toEqual(kept);
  },
  'sessions',
);

const withUserRead = (sessions: SessionStore) =>
  oneCallRead(sessions, 'getByTokenKeyWithUser', 'sessionsWithUser');

/**
 * The optional `getByTokenKeyWithUser` (docs/sessions-storage.md): the same answer as
 * `getByTokenKey` then the user store's `get`, in one call. Run in `storeSuite` when
 * `capabilities.sessionsWithUser` is set.
 */
export const sessionWithUserCases = [
  defineStoreCase(
    'STORE-SESSION-016',
    'getByTokenKeyWithUser answers what getByTokenKey then users.get do, custom fields and OAuth accounts included',
    async ({ users, sessions, newUser, token, customFields }) => {
      const read = withUserRead(sessions);
      const created = await newUser({ is_verified: true, ...customFields?.create });
      const user = await users.addOAuthAccount(created, {
        oauth_name: 'google',
        access_token: 'ya29.access-token',
        expires_at: 1_900_000_000,
        refresh_token: null,
        account_id: `g-${token()}`,
        account_email: 'linked@camelot.bt',
      });
      const session = await sessions.create(
        sessionData(user.id, token(), { mfa: true, created_at: new Date(Date.now() - MINUTE) }),
      );
      const key = session.token_key as string;
      const twoStep = {
        session: await sessions.getByTokenKey(key),
        user: await users.get(user.id),
      };
      expect(twoStep.session).toEqual(session);
      expect(await read(key)).toEqual(twoStep);
      expect(await read(key, new Date(Date.now() - 2 * MINUTE))).toEqual(twoStep);
      const found = await read(key);
      if (customFields) expect(found?.user).toMatchObject(customFields.create);
      expect(found?.user.oauth_accounts).toEqual(user.oauth_accounts);
      expect(found?.user.is_verified).toBe(true);
    },
    'sessionsWithUser',
  ),
  defineStoreCase(
    'STORE-SESSION-017',
    'getByTokenKeyWithUser is null for an expired, too old, deleted or unknown session',
    async ({ sessions, newUser, token }) => {
      const read = withUserRead(sessions);
      const user = await newUser();
      const expired = await sessions.create(expiredData(user.id, token()));
      expect(await read(expired.token_key as string)).toBeNull();
      const created = await sessions.create(
        sessionData(user.id, token(), { created_at: new Date(Date.now() - 10 * MINUTE) }),
      );
      const key = created.token_key as string;
      expect(await read(key, new Date(Date.now() - 5 * MINUTE))).toBeNull();
      expect((await read(key))?.session).toEqual(created);
      expect(await sessions.delete(created.id)).toBe(true);
      expect(await read(key)).toBeNull();
      expect(await read(sessionData(user.id, token()).token_key as string)).toBeNull();
      expect(await read('')).toBeNull();
    },
    'sessionsWithUser',
  ),
  defineStoreCase(
    'STORE-SESSION-018',
    'getByTokenKeyWithUser returns an inactive user as users.get does, and null once the user is deleted',
    async ({ users, sessions, newUser, token }) => {
      const read = withUserRead(sessions);
      const user = await newUser();
      const session = await sessions.create(sessionData(user.id, token()));
      const key = session.token_key as string;
      const inactive = await users.update(user, { is_active: false });
      expect(inactive?.is_active).toBe(false);
      expect(await read(key)).toEqual({ session, user: inactive });
      await users.delete(user);
      expect(await users.get(user.id)).toBeNull();
      expect(await read(key)).toBeNull();
    },
    'sessionsWithUser',
  ),
  defineStoreCase(
    'STORE-SESSION-019',
    'getByTokenKeyWithUser caches nothing: a change to the user or a touch shows on the next call',
    async ({ users, sessions, newUser, token, customFields }) => {
      const read = withUserRead(sessions);
      const user = await newUser({ ...customFields?.create });
      const session = await sessions.create(sessionData(user.id, token()));
      const key = session.token_key as string;
      expect((await read(key))?.user).toEqual(await users.get(user.id));
      const updated = await users.update(user, {
        is_superuser: true,
        ...customFields?.update,
      });
      const at = new Date(Date.now() + MINUTE);
      await sessions.touch(session.id, at);
      const after = await read(key);
      expect(after?.user).toEqual(updated);
      if (customFields) expect(after?.user).toMatchObject(customFields.update);
      expect(ms(after?.session.last_used_at)).toBe(at.getTime());
    },
    'sessionsWithUser',
  ),
];
