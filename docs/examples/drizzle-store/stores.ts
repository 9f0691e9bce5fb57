// A UserStore and an AccessTokenStore on drizzle-orm (better-sqlite3). Each guarantee of the
// contract comes from the database: a unique index for emails, one conditional UPDATE for
// compare-and-set, one DELETE for single-use tokens.
import {
  type AccessTokenStore,
  ErrorCode,
  type OAuthAccount,
  PortcullisError,
  type UpdateCondition,
  type User,
  type UserStore,
} from '@portcullis/core';
import { and, eq, gte, type SQL, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { accessTokens, oauthAccounts, users } from './schema';

type Db = BetterSQLite3Database;
type UserRow = typeof users.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COLUMNS = ['email', 'hashed_password', 'is_active', 'is_superuser', 'is_verified'] as const;

/** A unique-index violation, wherever drizzle put the driver's error. */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  }
  return false;
}

/** Runs a write; a taken email becomes USER_ALREADY_EXISTS (never with the email in it). */
async function writing<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS);
    throw error;
  }
}

/** Only the built-in columns: this store has no custom fields. */
function columnsOf(data: Record<string, unknown>): Partial<UserRow> {
  const values: Record<string, unknown> = {};
  for (const column of COLUMNS) if (data[column] !== undefined) values[column] = data[column];
  return values as Partial<UserRow>;
}

export function createDrizzleStores(db: Db): { users: UserStore; accessTokens: AccessTokenStore } {
  /** The user with its linked accounts (OAuth routes read `oauth_accounts`). */
  async function withAccounts(row: UserRow | undefined): Promise<User | null> {
    if (!row) return null;
    const accounts = await db.select().from(oauthAccounts).where(eq(oauthAccounts.user_id, row.id));
    return {
      ...row,
      oauth_accounts: accounts.map(({ user_id: _owner, ...account }): OAuthAccount => account),
    };
  }

  async function byId(id: string): Promise<User | null> {
    return withAccounts(db.select().from(users).where(eq(users.id, id)).get());
  }

  function conditions(id: string, condition: UpdateCondition | undefined): SQL | undefined {
    return and(
      eq(users.id, id),
      condition?.hashedPassword === undefined
        ? undefined
        : eq(users.hashed_password, condition.hashedPassword),
      condition?.isVerified === undefined ? undefined : eq(users.is_verified, condition.isVerified),
    );
  }

  const userStore: UserStore = {
    parseId: (value) => (UUID.test(value.toLowerCase()) ? value.toLowerCase() : null),
    get: (id) => byId(String(id)),
    async getByEmail(email) {
      // lower() on both sides uses the unique index; drizzle binds the value, so `%` and `_`
      // are plain characters.
      const row = db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).get();
      return withAccounts(row);
    },
    async getByOAuthAccount(oauthName, accountId) {
      // Both conditions on the same account row, compared exactly (case included).
      const link = db
        .select({ userId: oauthAccounts.user_id })
        .from(oauthAccounts)
        .where(
          and(eq(oauthAccounts.oauth_name, oauthName), eq(oauthAccounts.account_id, accountId)),
        )
        .get();
      return link ? byId(link.userId) : null;
    },
    async create(data) {
      const row = await writing(async () =>
        db
          .insert(users)
          .values({
            is_active: true,
            is_superuser: false,
            is_verified: false,
            ...columnsOf(data),
            email: data.email,
            hashed_password: data.hashed_password,
            id: crypto.randomUUID(),
          })
          .returning()
          .get(),
      );
      return { ...row, oauth_accounts: [] };
    },
    async update(user, data, condition) {
      const values = columnsOf(data);
      const where = conditions(String(user.id), condition);
      // One statement: the condition is checked where the row is written, so of concurrent
      // updates under one condition exactly one applies. No row back: gone, or condition lost.
      const row =
        Object.keys(values).length === 0
          ? db.select().from(users).where(where).get()
          : await writing(async () => db.update(users).set(values).where(where).returning().get());
      return withAccounts(row);
    },
    async delete(user) {
      // The foreign keys cascade to the user's access tokens and OAuth accounts.
      db.delete(users)
        .where(eq(users.id, String(user.id)))
        .run();
    },
    async addOAuthAccount(user, data) {
      db.insert(oauthAccounts)
        .values({ ...data, id: crypto.randomUUID(), user_id: String(user.id) })
        .run();
      const updated = await byId(String(user.id));
      if (!updated) throw new PortcullisError(ErrorCode.USER_NOT_EXISTS);
      return updated;
    },
    async updateOAuthAccount(user, account, data) {
      const { oauth_name, access_token, expires_at, refresh_token, account_id, account_email } =
        data;
      db.update(oauthAccounts)
        .set({ oauth_name, access_token, expires_at, refresh_token, account_id, account_email })
        .where(
          and(eq(oauthAccounts.id, String(account.id)), eq(oauthAccounts.user_id, String(user.id))),
        )
        .run();
      const updated = await byId(String(user.id));
      if (!updated) throw new PortcullisError(ErrorCode.USER_NOT_EXISTS);
      return updated;
    },
  };

  const tokenStore: AccessTokenStore = {
    async getByToken(token, maxAge) {
      const row = db
        .select()
        .from(accessTokens)
        .where(
          and(
            eq(accessTokens.token, token),
            maxAge ? gte(accessTokens.created_at, maxAge) : undefined,
          ),
        )
        .get();
      return row ?? null;
    },
    async create(data) {
      return db
        .insert(accessTokens)
        .values({ token: data.token, user_id: String(data.user_id), created_at: new Date() })
        .returning()
        .get();
    },
    async delete(token) {
      // One DELETE: of concurrent deletes, exactly one sees a row go.
      return db.delete(accessTokens).where(eq(accessTokens.token, token)).run().changes === 1;
    },
    async deleteAllForUser(userId) {
      return db
        .delete(accessTokens)
        .where(eq(accessTokens.user_id, String(userId)))
        .run().changes;
    },
  };

  return { users: userStore, accessTokens: tokenStore };
}
