import type { TokenRevocationStore } from '../src/auth/revocation';

/** An in-memory revocation store for core's unit tests; real ones live in sql/mongodb/redis. */
export function createMemoryRevocationStore(): TokenRevocationStore & {
  tokens: Map<string, Date | null>;
  users: Map<string, { before: Date; expiresAt: Date | null }>;
} {
  const tokens = new Map<string, Date | null>();
  const users = new Map<string, { before: Date; expiresAt: Date | null }>();
  const live = (expiresAt: Date | null): boolean => expiresAt === null || expiresAt > new Date();
  return {
    tokens,
    users,
    async revoke(jti, expiresAt) {
      tokens.set(jti, expiresAt);
    },
    async isRevoked(jti) {
      return tokens.has(jti) && live(tokens.get(jti) ?? null);
    },
    async revokeAllForUser(userId, before, expiresAt) {
      const current = users.get(userId);
      if (!current || current.before < before) users.set(userId, { before, expiresAt });
    },
    async revokedBefore(userId) {
      const entry = users.get(userId);
      return entry && live(entry.expiresAt) ? entry.before : null;
    },
  };
}
