import type { UserLookup } from '../src/auth/strategy';
import { UserManager } from '../src/manager';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import type { SessionStore, User, UserStore } from '../src/types';
import { createMemoryUserStore } from './memory-store';

/** Every call a store or lookup receives, by method name, in order. */
export type Calls = string[];

/** Wraps every method of `target` so each call is recorded in `calls` under `prefix.name`. */
export function counted<T extends object>(target: T, prefix: string, calls: Calls): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    out[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            calls.push(`${prefix}.${name}`);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          }
        : value;
  }
  return out as T;
}

/**
 * A session store plus the optional one-call reads (`getByTokenKeyWithUser`,
 * `getByIdWithUser`), each the two reads it stands for, composed: the reference the store
 * suite's cases of those methods must pass on.
 */
export function withJoinedReads(sessions: SessionStore, users: UserStore): SessionStore {
  const withUser = async (session: Awaited<ReturnType<SessionStore['get']>>) => {
    const user = session ? await users.get(session.user_id) : null;
    return session && user ? { session, user } : null;
  };
  return {
    ...sessions,
    getByTokenKeyWithUser: async (tokenKey, maxAge) =>
      withUser(await sessions.getByTokenKey(tokenKey, maxAge)),
    getByIdWithUser: async (id) => withUser(await sessions.get(id)),
  };
}

/**
 * A user, the memory session store (`memory`), and counted views of it (`sessions`, with the
 * one-call reads when `joined`) and of the user lookup (`lookup`), recording into `calls`.
 */
export async function countedSessions(joined: boolean, secret: string) {
  const calls: Calls = [];
  const users = createMemoryUserStore();
  const manager = new UserManager({
    users,
    resetPasswordToken: { secret },
    verificationToken: { secret },
  });
  const user = await users.create({ email: 'arthur@camelot.bt', hashed_password: 'x' });
  const memory = createMemorySessionStore();
  const sessions = counted(joined ? withJoinedReads(memory, users) : memory, 'sessions', calls);
  const lookup: UserLookup<User> = counted(
    { findById: (id: string) => manager.findById(id) },
    'users',
    calls,
  );
  return { calls, users, user, memory, sessions, lookup };
}
