import { describe, expect, test } from 'vitest';
import { countedSessions } from '../../test/counted-sessions';
import { createJwtStrategy } from '../auth/jwt-strategy';

const SECRET = 'session-by-id-test-secret-session-by-id!';

async function setup(oneCall: boolean) {
  const stores = await countedSessions(oneCall, SECRET);
  const { sessions } = stores;
  const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, sessions });
  return { ...stores, strategy };
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
