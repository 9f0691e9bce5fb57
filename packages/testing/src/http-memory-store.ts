import type {
  AccessTokenRecord,
  AccessTokenStore,
  OAuthAccount,
  User,
  UserId,
  UserStore,
} from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function accountsOf(user: User): OAuthAccount[] {
  return (user.oauth_accounts as OAuthAccount[] | undefined) ?? [];
}

/**
 * The HTTP suite's user store: in memory, so adapter suites need no database. Each method reads
 * and writes without awaiting in between, which makes the unique email atomic, as a database
 * index would (the suite's concurrent-registration case relies on it).
 */
export function createSuiteUserStore(): UserStore {
  const rows = new Map<string, User>();
  const byEmail = (email: string): User | undefined => {
    const wanted = email.toLowerCase();
    for (const row of rows.values()) if (row.email.toLowerCase() === wanted) return row;
    return undefined;
  };
  const copy = (row: User | undefined): User | null => (row ? { ...row } : null);
  const stored = (user: User): User => {
    const row = rows.get(String(user.id));
    if (!row) throw new PortcullisError(ErrorCode.USER_NOT_EXISTS);
    return row;
  };
  return {
    parseId: (value: string): UserId | null =>
      UUID.test(value.toLowerCase()) ? value.toLowerCase() : null,
    get: async (id) => copy(rows.get(String(id))),
    getByEmail: async (email) => copy(byEmail(email)),
    getByOAuthAccount: async (name, accountId) =>
      copy(
        [...rows.values()].find((row) =>
          accountsOf(row).some((a) => a.oauth_name === name && a.account_id === accountId),
        ),
      ),
    async create(data) {
      if (byEmail(data.email)) throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS);
      const row: User = {
        id: crypto.randomUUID(),
        is_active: true,
        is_superuser: false,
        is_verified: false,
        ...data,
      };
      rows.set(String(row.id), row);
      return { ...row };
    },
    async update(user, data, condition) {
      const row = rows.get(String(user.id));
      if (!row) return null;
      // Compare-and-set, checked and applied in one synchronous step like a conditional UPDATE.
      if (
        (condition?.hashedPassword !== undefined &&
          row.hashed_password !== condition.hashedPassword) ||
        (condition?.isVerified !== undefined && row.is_verified !== condition.isVerified)
      ) {
        return null;
      }
      if (typeof data.email === 'string') {
        const other = byEmail(data.email);
        if (other && other.id !== row.id) throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS);
      }
      Object.assign(row, data);
      return { ...row };
    },
    async delete(user) {
      rows.delete(String(user.id));
    },
    async addOAuthAccount(user, data) {
      const row = stored(user);
      row.oauth_accounts = [...accountsOf(row), { id: crypto.randomUUID(), ...data }];
      return { ...row };
    },
    async updateOAuthAccount(user, account, data) {
      const row = stored(user);
      row.oauth_accounts = accountsOf(row).map((a) =>
        a.id === account.id ? { ...a, ...data } : a,
      );
      return { ...row };
    },
  };
}

/** The HTTP suite's access-token store, for the cookie backend's database strategy. */
export function createSuiteAccessTokenStore(): AccessTokenStore {
  const rows = new Map<string, AccessTokenRecord>();
  return {
    async getByToken(token, maxAge) {
      const row = rows.get(token);
      return row && !(maxAge && row.created_at < maxAge) ? { ...row } : null;
    },
    async create(data) {
      const row = { ...data, created_at: new Date() };
      rows.set(data.token, row);
      return { ...row };
    },
    delete: async (token) => rows.delete(token),
    async deleteAllForUser(userId) {
      let removed = 0;
      for (const [token, row] of rows) {
        if (String(row.user_id) !== String(userId)) continue;
        rows.delete(token);
        removed += 1;
      }
      return removed;
    },
  };
}
