import { describe, expect, test } from 'vitest';
import { countedSessions, withJoinedReads } from '../../test/counted-sessions';
import { TOUCH_INTERVAL_MS } from '../sessions/session-data';
import type { SessionRecord, SessionStore } from '../types';
import { createDatabaseStrategy } from './database-strategy';

const SECRET = 'one-query-test-secret-one-query-test!';

async function setup(oneQuery: boolean) {
  const stores = await countedSessions(oneQuery, SECRET);
  const strategy = createDatabaseStrategy({ store: stores.sessions, lifetimeSeconds: 3600 });
  return { ...stores, strategy };
}

/** Moves a session's last use back, so the next check is due to touch it. */
async function ageLastUse(memory: SessionStore, session: SessionRecord): Promise<void> {
  await memory.touch(session.id, new Date(Date.now() - 2 * TOUCH_INTERVAL_MS));
}

describe('database strategy: one store call per session check', () => {
  test('with getByTokenKeyWithUser, a check is that one call and no user lookup', async () => {
    const { calls, user, strategy, lookup } = await setup(true);
    const token = await strategy.writeToken(user);
    calls.length = 0;
    expect(await strategy.readToken(token, lookup)).toEqual(user);
    expect(calls).toEqual(['sessions.getByTokenKeyWithUser']);
  });

  test('without it, a check reads the session, then the user', async () => {
    const { calls, user, strategy, lookup } = await setup(false);
    const token = await strategy.writeToken(user);
    calls.length = 0;
    expect(await strategy.readToken(token, lookup)).toEqual(user);
    expect(calls).toEqual(['sessions.getByTokenKey', 'users.findById']);
  });

  test('both paths touch last_used_at the same way: not within a minute, once after', async () => {
    for (const oneQuery of [true, false]) {
      const { calls, user, memory, strategy, lookup } = await setup(oneQuery);
      const token = await strategy.writeToken(user);
      const [session] = await memory.listForUser(user.id);
      if (session === undefined) throw new Error('no session was created');
      await ageLastUse(memory, session);
      calls.length = 0;
      expect(await strategy.readToken(token, lookup)).toEqual(user);
      expect(calls.filter((c) => c === 'sessions.touch')).toHaveLength(1);
      const touched = (await memory.get(session.id))?.last_used_at.getTime() ?? 0;
      expect(Date.now() - touched).toBeLessThan(TOUCH_INTERVAL_MS);
      calls.length = 0;
      await strategy.readToken(token, lookup);
      expect(calls).not.toContain('sessions.touch');
    }
  });

  test('a logged-out token or a deleted user is no user, and nothing is cached', async () => {
    const { calls, users, user, strategy, lookup } = await setup(true);
    const token = await strategy.writeToken(user);
    const other = await strategy.writeToken(user);
    expect(await strategy.readToken(token, lookup)).toEqual(user);
    await strategy.destroyToken(token, user);
    expect(await strategy.readToken(token, lookup)).toBeNull();
    // A change to the user shows on the next check: the store is read every time.
    const renamed = await users.update(user, { is_active: false });
    expect(await strategy.readToken(other, lookup)).toEqual(renamed);
    await users.delete(user);
    calls.length = 0;
    expect(await strategy.readToken(other, lookup)).toBeNull();
    expect(calls).toEqual(['sessions.getByTokenKeyWithUser']);
  });

  test('lifetimeSeconds still bounds the session: maxAge reaches the one-call read', async () => {
    const { users, user, memory, lookup } = await setup(true);
    await memory.create({
      id: 'old-session',
      user_id: user.id,
      backend: 'database',
      created_at: new Date(Date.now() - 3700 * 1000),
      expires_at: null,
      user_agent: null,
      ip: null,
      auth_time: new Date(),
      mfa: false,
      token_key: 'plain-old-token',
      refresh_generation: null,
    });
    const store = withJoinedReads(memory, users);
    const bounded = createDatabaseStrategy({ store, lifetimeSeconds: 3600, tokenStorage: 'plain' });
    const unbounded = createDatabaseStrategy({ store, tokenStorage: 'plain' });
    expect(await bounded.readToken('plain-old-token', lookup)).toBeNull();
    expect(await unbounded.readToken('plain-old-token', lookup)).toEqual(user);
  });
});

describe('database strategy: a store that fails', () => {
  test('a joined read that throws synchronously, or rejects, gives a rejection', async () => {
    for (const fail of [
      () => {
        throw new Error('store down');
      },
      () => Promise.reject(new Error('store down')),
    ]) {
      const { memory, lookup } = await setup(true);
      const store = { ...memory, getByTokenKeyWithUser: fail } as unknown as SessionStore;
      const strategy = createDatabaseStrategy({ store });
      let pending: Promise<unknown> | undefined;
      expect(() => {
        pending = strategy.readToken('a-token', lookup);
      }).not.toThrow();
      await expect(pending).rejects.toThrow('store down');
    }
  });
});
