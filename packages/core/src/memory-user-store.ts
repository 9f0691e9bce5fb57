import { ErrorCode, PortcullisError } from './errors';
import type {
  AccessTokenRecord,
  AccessTokenStore,
  OAuthAccount,
  User,
  UserId,
  UserStore,
} from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const accountsOf = (user: User): OAuthAccount[] =>
  (user.oauth_accounts as OAuthAccount[] | undefined) ?? [];

export interface MemoryUserStoreOptions {
  /** Given, deleting a user also deletes its access tokens, as the SQL store's cascade does. */
  accessTokens?: AccessTokenStore;
  /** The map the users are kept in, by id as a string: give one to seed or inspect it in tests. */
  rows?: Map<string, User>;
}

/**
 * A `UserStore` in memory, with UUID ids: for tests, adapter suites and apps on runtimes no
 * database driver runs on. Each method reads and writes without awaiting in between, which makes
 * the unique email and the compare-and-set conditions atomic, as a database index and a
 * conditional UPDATE would.
 *
 * @example
 * ```ts
 * const portcullis = createPortcullis({
 *   userManager: { users: createMemoryUserStore(), resetPasswordToken, verificationToken },
 *   backends: [jwtBackend],
 * });
 * ```
 */
export function createMemoryUserStore(options: MemoryUserStoreOptions = {}): UserStore {
  const rows = options.rows ?? new Map<string, User>();
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
      await options.accessTokens?.deleteAllForUser(user.id);
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

/**
 * An `AccessTokenStore` in memory, for the database strategy in tests and adapter suites: the
 * FastAPI Users-era token table, a token to its user.
 */
export function createMemoryAccessTokenStore(): AccessTokenStore {
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
