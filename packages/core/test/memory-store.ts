import { ErrorCode, PortcullisError } from '../src/errors';
import type {
  AccessTokenRecord,
  AccessTokenStore,
  OAuthAccount,
  OAuthAccountData,
  UpdateCondition,
  User,
  UserCreateData,
  UserId,
  UserStore,
  UserUpdateData,
} from '../src/types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An in-memory store for core's unit tests; real stores are tested in their packages. Given
 * the access-token store, deleting a user also deletes its tokens (the SQL cascade; checked by
 * STORE-CASCADE-001 of the store suite).
 */
export function createMemoryUserStore(
  options: { accessTokens?: AccessTokenStore } = {},
): UserStore & { rows: Map<string, User> } {
  const rows = new Map<string, User>();
  const byEmail = (email: string): User | undefined =>
    [...rows.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
  return {
    rows,
    parseId: (value: string): UserId | null =>
      UUID.test(value.toLowerCase()) ? value.toLowerCase() : null,
    async get(id) {
      const row = rows.get(String(id));
      return row ? { ...row } : null;
    },
    async getByEmail(email) {
      const row = byEmail(email);
      return row ? { ...row } : null;
    },
    async getByOAuthAccount(name, accountId) {
      const row = [...rows.values()].find((u) =>
        ((u.oauth_accounts as OAuthAccount[] | undefined) ?? []).some(
          (a) => a.oauth_name === name && a.account_id === accountId,
        ),
      );
      return row ? { ...row } : null;
    },
    async create(data: UserCreateData) {
      if (byEmail(data.email)) throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS);
      const user: User = {
        id: crypto.randomUUID(),
        is_active: true,
        is_superuser: false,
        is_verified: false,
        ...data,
      };
      rows.set(String(user.id), user);
      return { ...user };
    },
    async update(user, data: UserUpdateData, condition?: UpdateCondition) {
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
      await options.accessTokens?.deleteAllForUser(user.id);
    },
    async addOAuthAccount(user, data: OAuthAccountData) {
      const row = rows.get(String(user.id)) as User;
      const accounts = (row.oauth_accounts as OAuthAccount[] | undefined) ?? [];
      row.oauth_accounts = [...accounts, { id: crypto.randomUUID(), ...data }];
      return { ...row };
    },
    async updateOAuthAccount(user, account, data) {
      const row = rows.get(String(user.id)) as User;
      const accounts = (row.oauth_accounts as OAuthAccount[]).map((a) =>
        a.id === account.id ? { ...a, ...data } : a,
      );
      row.oauth_accounts = accounts;
      return { ...row };
    },
  };
}

export function createMemoryAccessTokenStore(): AccessTokenStore {
  const rows = new Map<string, AccessTokenRecord>();
  return {
    async getByToken(token, maxAge) {
      const row = rows.get(token);
      if (!row || (maxAge && row.created_at < maxAge)) return null;
      return { ...row };
    },
    async create(data) {
      const row = { ...data, created_at: new Date() };
      rows.set(data.token, row);
      return { ...row };
    },
    async delete(token) {
      return rows.delete(token);
    },
    async deleteAllForUser(userId) {
      let n = 0;
      for (const [token, row] of rows) {
        if (String(row.user_id) === String(userId)) {
          rows.delete(token);
          n++;
        }
      }
      return n;
    },
  };
}
