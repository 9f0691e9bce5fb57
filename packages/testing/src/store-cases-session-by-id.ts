import type { SessionStore } from '@portcullis/core';
import { expect } from 'vitest';
import { MINUTE, oneCallRead, sessionData } from './session-case-data';
import { defineStoreCase, type StoreSuiteStores } from './store-case';

const byIdRead = (sessions: SessionStore) =>
  oneCallRead(sessions, 'getByIdWithUser', 'sessionsByIdWithUser');

/**
 * Fails the suite at start-up when `capabilities.sessionsByIdWithUser` does not match the
 * session store, so a store with the method always has it tested.
 */
export function checkByIdCapability(stores: StoreSuiteStores, declared: boolean): void {
  const has = typeof stores.sessions?.getByIdWithUser === 'function';
  if (has === declared) return;
  throw new Error(
    has
      ? 'the session store has getByIdWithUser: set capabilities.sessionsByIdWithUser so STORE-SESSION-020…021 test it'
      : 'capabilities.sessionsByIdWithUser is set, but the session store has no getByIdWithUser',
  );
}

/**
 * The optional `getByIdWithUser` (docs/sessions-storage.md#one-query-per-session-check): the
 * same answer as `get` then the user store's `get`, in one call, nothing cached. Run in
 * `storeSuite` when `capabilities.sessionsByIdWithUser` is set.
 */
export const sessionByIdCases = [
  defineStoreCase(
    'STORE-SESSION-020',
    'getByIdWithUser answers what get then users.get do, custom fields included, and caches nothing',
    async ({ users, sessions, newUser, token, customFields }) => {
      const read = byIdRead(sessions);
      const user = await newUser({ is_verified: true, ...customFields?.create });
      const session = await sessions.create(sessionData(user.id, token(), { token_key: null }));
      const twoStep = { session: await sessions.get(session.id), user: await users.get(user.id) };
      expect(twoStep.session).toEqual(session);
      expect(await read(session.id)).toEqual(twoStep);
      if (customFields) expect((await read(session.id))?.user).toMatchObject(customFields.create);
      const updated = await users.update(user, { is_active: false, ...customFields?.update });
      const at = new Date(Date.now() + MINUTE);
      await sessions.touch(session.id, at);
      const after = await read(session.id);
      expect(after?.user).toEqual(updated);
      expect(after?.user.is_active).toBe(false);
      expect(after?.session.last_used_at.getTime()).toBe(at.getTime());
    },
    'sessionsByIdWithUser',
  ),
  defineStoreCase(
    'STORE-SESSION-021',
    'getByIdWithUser is null for an expired, deleted or unknown session, and once the user is deleted',
    async ({ users, sessions, newUser, token }) => {
      const read = byIdRead(sessions);
      const user = await newUser();
      const expired = await sessions.create(
        sessionData(user.id, token(), { expires_at: new Date(Date.now() - MINUTE) }),
      );
      expect(await read(expired.id)).toBeNull();
      const live = await sessions.create(sessionData(user.id, token()));
      const gone = await sessions.create(sessionData(user.id, token()));
      expect(await sessions.delete(gone.id)).toBe(true);
      expect(await read(gone.id)).toBeNull();
      expect(await read(`unknown-${token()}`)).toBeNull();
      expect(await read('')).toBeNull();
      expect((await read(live.id))?.session).toEqual(live);
      await users.delete(user);
      expect(await read(live.id)).toBeNull();
    },
    'sessionsByIdWithUser',
  ),
];
