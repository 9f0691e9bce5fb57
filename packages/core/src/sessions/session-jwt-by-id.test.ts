import { describe, expect, test } from 'vitest';
import { type Calls, counted } from '../../test/call-recorder';
import { createMemoryUserStore } from '../../test/memory-store';
import { createJwtStrategy } from '../auth/jwt-strategy';
import type { UserLookup } from '../auth/strategy';
import { UserManager } from '../manager';
import type { SessionStore, User, UserStore } from '../types';
import { createMemorySessionStore } from './memory-session-store';

const SECRET = 'session-by-id-test-secret-session-by-id!';

/** The memory session store plus the optional one-call read by id, answered from `users`. */
function withIdRead(sessions: SessionStore, users: UserStore): SessionStore {
  return {
    ...sessions,
    async getByIdWithUser(id: string) {
      const session = await sessions.get(id);
      const user = session ? await users.get(session.user_id) : null;
      return session && user ? { session, user } : null;
    },
  };
}

async function setup(oneCall: boolean) {
  const calls: Calls = [];
  const users = createMemoryUserStore();
  const manager = new UserManager({
    users,
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
  });
  const user = await users.create({ email: 'arthur@camelot.bt', hashed_password: 'x' });
  const memory = createMemorySessionStore();
  const sessions = counted(oneCall ? withIdRead(memory, users) : memory, 'sessions', calls);
  const lookup: UserLookup<User> = counted(
    { findById: (id: string) => manager.findById(id) },
    'users',
    calls,
  );
  const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, sessions });
  return { calls, users, user, memory, strategy, lookup };
}

describe('JWT with sessions: one store call per session check', () => {
  test('with getByIdWithUser, a check is that one call and no user lookup', async () => {
    const { calls, user, strategy, lookup } = await setup(true);
    const token = await strategy.writeToken(user);
    calls.length = 0;
    expect(await strategy.readToken(token, lookup)).toEqual(user);
    expect(calls).toEqual(['sessions.getByIdWithUser']);
  });

  test('without it, a check reads the session and the user', async () => {
    const { calls, user, strategy, lookup } = await setup(false);
    const token = await strategy.writeToken(user);
    calls.length = 0;
    expect(await strategy.readToken(token, lookup)).toEqual(user);
    expect(calls.sort()).toEqual(['sessions.get', 'users.findById']);
  });

  test('a revoked session, a deleted user or another backend is no user; nothing is cached', async () => {
    const { users, user, memory, strategy, lookup } = await setup(true);
    const token = await strategy.writeToken(user);
    const other = await strategy.writeToken(user);
    expect(await strategy.readToken(token, lookup)).toEqual(user);
    await strategy.destroyToken(token, user);
    expect(await strategy.readToken(token, lookup)).toBeNull();
    const inactive = await users.update(user, { is_active: false });
    expect(await strategy.readToken(other, lookup)).toEqual(inactive);
    // The same session read by a strategy bound to another backend: not its session.
    const elsewhere = strategy.forBackend?.('elsewhere');
    const [session] = await memory.listForUser(user.id);
    expect(session?.backend).toBe('session');
    const foreign = await elsewhere?.writeToken(user);
    expect(await strategy.readToken(foreign as string, lookup)).toBeNull();
    await users.delete(user);
    expect(await strategy.readToken(other, lookup)).toBeNull();
  });
});
