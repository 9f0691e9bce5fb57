import type { User, UserStore } from '@portcullis/core';
import {
  createAuthBackend,
  createBearerTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPortcullis,
  type SessionStore,
} from '@portcullis/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import { createSqlSessionStore, createSqlUserStore, migrateToLatest } from '../src/index';
import { createTestDatabase, DIALECTS, type TestDatabase } from './databases';
import { statementCounter } from './statement-counter';

const SECRET = 'session-by-id-test-secret-0123456789abcdef';

/** An app whose `session` backend issues JWTs with `sid`, checked in `sessions` per request. */
function appOf(users: UserStore, sessions: SessionStore) {
  const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, sessions });
  const portcullis = createPortcullis({
    userManager: {
      users,
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [
      createAuthBackend({
        name: 'session',
        transport: createBearerTransport({ tokenUrl: 'auth/session/login' }),
        strategy,
      }),
    ],
  });
  const guard = portcullis.currentUser({ active: true });
  return {
    /** An access token of a new session of `user` (what the login route hands out). */
    login: (user: User) => strategy.writeToken(user),
    check: async (token: string) => {
      const result = await guard({ authorization: `Bearer ${token}` });
      return result.ok ? result.user : result.status;
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`a JWT with sid is checked in one statement on ${dialect}`, () => {
    let database: TestDatabase;
    let db: Kysely<PortcullisDatabase>;
    const counter = statementCounter();

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      db = database.open();
      await migrateToLatest(db);
      // A custom user column named as a session column: the join qualifies every column.
      await db.schema.alterTable('user').addColumn('backend', 'varchar(40)').execute();
    });
    afterAll(() => database.drop());

    async function setup(withUsers = true) {
      const counted = db.withPlugin(counter.plugin);
      const users = createSqlUserStore(counted, { customColumns: ['backend'] });
      const sessions = createSqlSessionStore(counted, withUsers ? { users } : {});
      const email = `u${Math.random().toString(36).slice(2)}@camelot.bt`;
      const user = await users.create({ email, hashed_password: 'x', backend: 'camelot' });
      return { users, sessions, user, app: appOf(users, sessions) };
    }

    test('getByIdWithUser answers what get then users.get do', async () => {
      const { users, sessions, user, app } = await setup();
      await app.login(user);
      const [session] = await sessions.listForUser(user.id);
      expect(await sessions.getByIdWithUser?.(session?.id as string)).toEqual({
        session,
        user: await users.get(user.id),
      });
      expect(await sessions.getByIdWithUser?.('no-such-session')).toBeNull();
      expect(await sessions.getByIdWithUser?.('')).toBeNull();
    });

    test('each check is one SELECT, and returns the user as the user store maps it', async () => {
      const { users, user, app } = await setup();
      const token = await app.login(user);
      const expected = await users.get(user.id);
      for (let round = 0; round < 3; round++) {
        counter.reset();
        const found = await app.check(token);
        expect(counter.count()).toBe(1);
        expect(found).toEqual(expected);
        expect(found).toMatchObject({ backend: 'camelot' });
      }
    });

    test('without users the store has no getByIdWithUser and a check takes two statements', async () => {
      const { sessions, user, app } = await setup(false);
      expect(sessions.getByIdWithUser).toBeUndefined();
      const token = await app.login(user);
      counter.reset();
      expect(await app.check(token)).toMatchObject({ id: user.id });
      expect(counter.count()).toBe(2);
    });

    test('a revoked session is refused on the next check', async () => {
      const { sessions, user, app } = await setup();
      const token = await app.login(user);
      expect(await app.check(token)).toMatchObject({ id: user.id });
      const [session] = await sessions.listForUser(user.id);
      expect(await sessions.delete(session?.id as string)).toBe(true);
      expect(await app.check(token)).toBe(401);
    });

    test('an expired session is refused', async () => {
      const { sessions, user, app } = await setup();
      const token = await app.login(user);
      const [session] = await sessions.listForUser(user.id);
      const id = session?.id as string;
      const past = dialect === 'postgres' ? new Date(Date.now() - 1000) : '2000-01-01 00:00:00';
      await db.updateTable('accesstoken').set({ expires_at: past }).where('id', '=', id).execute();
      expect(await sessions.getByIdWithUser?.(id)).toBeNull();
      expect(await app.check(token)).toBe(401);
    });

    test('an inactive user is refused, and a change to the user shows on the next check', async () => {
      const { users, user, app } = await setup();
      const token = await app.login(user);
      expect(await app.check(token)).toMatchObject({ is_active: true });
      await users.update(user, { is_active: false });
      expect(await app.check(token)).toBe(401);
      await users.update(user, { is_active: true, backend: 'avalon' });
      expect(await app.check(token)).toMatchObject({ is_active: true, backend: 'avalon' });
    });

    test('a deleted user is refused', async () => {
      const { users, user, app } = await setup();
      const token = await app.login(user);
      await users.delete(user);
      expect(await app.check(token)).toBe(401);
    });

    test('the database strategy stays one statement per check, check after check', async () => {
      const { users, sessions, user } = await setup();
      const strategy = createDatabaseStrategy({ store: sessions, lifetimeSeconds: 3600 });
      const token = await strategy.writeToken(user);
      const lookup = { findById: (id: string) => users.get(id) };
      const expected = await users.get(user.id);
      for (let round = 0; round < 3; round++) {
        counter.reset();
        expect(await strategy.readToken(token, lookup)).toEqual(expected);
        expect(counter.count()).toBe(1);
      }
    });
  });
}
