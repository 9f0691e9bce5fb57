import type { User, UserStore } from '@portcullis/core';
import { createDatabaseStrategy, ErrorCode, UserManager } from '@portcullis/core';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import { createSqlSessionStore, createSqlUserStore, migrateToLatest } from '../src/index';
import { createTestDatabase, DIALECTS, type TestDatabase } from './databases';
import { statementCounter } from './statement-counter';

const SECRET = 'session-with-user-test-secret-0123456789';

const managerOf = (users: UserStore) =>
  new UserManager({
    users,
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
  });

describe('createSqlSessionStore(db, { users }): options', () => {
  let database: TestDatabase;
  let db: Kysely<PortcullisDatabase>;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    db = database.open();
  });
  afterAll(() => database.drop());

  test('without users there is no getByTokenKeyWithUser: the strategy reads in two steps', () => {
    expect(createSqlSessionStore(db).getByTokenKeyWithUser).toBeUndefined();
    const users = createSqlUserStore(db);
    expect(typeof createSqlSessionStore(db, { users }).getByTokenKeyWithUser).toBe('function');
  });

  test('users must be a store createSqlUserStore made, on the same tables and idType', () => {
    const users = createSqlUserStore(db);
    const lookalike = { ...users } as UserStore<User>;
    expect(() => createSqlSessionStore(db, { users: lookalike })).toThrow(
      expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
    );
    expect(() =>
      createSqlSessionStore(db, { users: createSqlUserStore(db, { idType: 'integer' }) }),
    ).toThrow(/other tables or idType/);
    expect(() =>
      createSqlSessionStore(db, {
        users: createSqlUserStore(db, { tables: { user: 'members' } }),
      }),
    ).toThrow(/other tables or idType/);
  });
});

for (const dialect of DIALECTS) {
  describe(`one statement per session check on ${dialect}`, () => {
    let database: TestDatabase;
    let db: Kysely<PortcullisDatabase>;
    const counter = statementCounter();

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      db = database.open();
      await migrateToLatest(db);
      // Custom user columns named as session columns: every column of the join is qualified.
      await db.schema.alterTable('user').addColumn('expires_at', 'varchar(40)').execute();
      await db.schema.alterTable('user').addColumn('backend', 'varchar(40)').execute();
    });
    afterAll(() => database.drop());

    async function setup() {
      const counted = db.withPlugin(counter.plugin);
      const options = { customColumns: ['expires_at', 'backend'] };
      const users = createSqlUserStore(counted, options);
      const email = `u${Math.random().toString(36).slice(2)}@camelot.bt`;
      const user = await users.create({
        email,
        hashed_password: 'x',
        expires_at: 'never',
        backend: 'camelot',
      });
      return { users, user, manager: managerOf(users), counted };
    }

    test('the database strategy checks a session with one SELECT and returns the mapped user', async () => {
      const { users, user, manager, counted } = await setup();
      const strategy = createDatabaseStrategy({
        store: createSqlSessionStore(counted, { users }),
        lifetimeSeconds: 3600,
      });
      const token = await strategy.writeToken(user);
      counter.reset();
      const found = await strategy.readToken(token, manager);
      expect(counter.count()).toBe(1);
      expect(found).toEqual(await users.get(user.id));
      expect(found).toMatchObject({ expires_at: 'never', backend: 'camelot' });
    });

    test('without users the same check takes two statements', async () => {
      const { user, manager, counted } = await setup();
      const strategy = createDatabaseStrategy({ store: createSqlSessionStore(counted) });
      const token = await strategy.writeToken(user);
      counter.reset();
      expect(await strategy.readToken(token, manager)).toMatchObject({ id: user.id });
      expect(counter.count()).toBe(2);
    });

    test('a FastAPI Users row (no id, no backend) gets its derived id, as getByTokenKey gives it', async () => {
      const { users, user } = await setup();
      const sessions = createSqlSessionStore(db, { users });
      const token = `fastapi-${Math.random().toString(36).slice(2)}`;
      const created = dialect === 'postgres' ? sql`now()` : sql`CURRENT_TIMESTAMP`;
      await sql`insert into accesstoken (token, user_id, created_at) values (${token}, ${user.id}, ${created})`.execute(
        db,
      );
      const both = await sessions.getByTokenKeyWithUser?.(token);
      expect(both?.session).toEqual(await sessions.getByTokenKey(token));
      expect(both?.session.backend).toBe('database');
      expect(both?.user).toEqual(await users.get(user.id));
    });

    test('a user store that attaches oauth_accounts gives them in the joined read too', async () => {
      const users = createSqlUserStore(db, { withOAuthAccounts: true });
      const email = `o${Math.random().toString(36).slice(2)}@camelot.bt`;
      const user = await users.create({ email, hashed_password: 'x' });
      await users.addOAuthAccount(user, {
        oauth_name: 'google',
        access_token: 'provider-access',
        expires_at: null,
        refresh_token: null,
        account_id: `g-${email}`,
        account_email: email,
      });
      const strategy = createDatabaseStrategy({ store: createSqlSessionStore(db, { users }) });
      const found = await strategy.readToken(await strategy.writeToken(user), managerOf(users));
      expect(found?.oauth_accounts).toHaveLength(1);
      expect(found).toEqual(await users.get(user.id));
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`one statement per session check on ${dialect}, integer ids`, () => {
    let database: TestDatabase;
    let db: Kysely<PortcullisDatabase>;
    const options = { idType: 'integer' } as const;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      db = database.open();
      await migrateToLatest(db, options);
    });
    afterAll(() => database.drop());

    test('the joined user has the number id users.get gives, and the session its user_id', async () => {
      const users = createSqlUserStore(db, options);
      const sessions = createSqlSessionStore(db, { ...options, users });
      const user = await users.create({ email: 'int@camelot.bt', hashed_password: 'x' });
      expect(typeof user.id).toBe('number');
      const strategy = createDatabaseStrategy({ store: sessions });
      const token = await strategy.writeToken(user);
      expect(await strategy.readToken(token, managerOf(users))).toEqual(await users.get(user.id));
      const [session] = await sessions.listForUser(user.id);
      const both = await sessions.getByTokenKeyWithUser?.(session?.token_key as string);
      expect(both).toEqual({ session, user: await users.get(user.id) });
      expect(both?.session.user_id).toBe(user.id);
    });
  });
}
