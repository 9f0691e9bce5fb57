import type { SessionCreateData, SessionRecord, SessionStore, UserId } from '../types';

/**
 * A `SessionStore` in memory: for tests, and for a single process that may lose every session
 * on restart. Each method reads and writes without awaiting in between, so `advanceRefresh` and
 * `delete` have exactly one winner under concurrency, as a database's conditional write does.
 *
 * @example
 * ```ts
 * const sessions = createMemorySessionStore();
 * const strategy = createDatabaseStrategy({ store: sessions, lifetimeSeconds: 3600 });
 * ```
 */
export function createMemorySessionStore(): SessionStore {
  const rows = new Map<string, SessionRecord>();
  const live = (row: SessionRecord | undefined, now = Date.now()): SessionRecord | null => {
    if (!row) return null;
    if (row.expires_at !== null && row.expires_at.getTime() <= now) {
      rows.delete(row.id);
      return null;
    }
    return row;
  };
  const copy = (row: SessionRecord): SessionRecord => ({ ...row });
  const sameUser = (a: UserId, b: UserId): boolean => String(a) === String(b);
  return {
    async create(data: SessionCreateData): Promise<SessionRecord> {
      const created = data.created_at ?? new Date();
      const row: SessionRecord = {
        ...data,
        created_at: created,
        last_used_at: created,
        refreshed_at: null,
      };
      rows.set(row.id, row);
      return copy(row);
    },
    async get(id: string): Promise<SessionRecord | null> {
      const row = live(rows.get(id));
      return row ? copy(row) : null;
    },
    async getByTokenKey(tokenKey: string, maxAge?: Date): Promise<SessionRecord | null> {
      for (const candidate of rows.values()) {
        if (candidate.token_key !== tokenKey) continue;
        const row = live(candidate);
        if (!row || (maxAge && row.created_at < maxAge)) return null;
        return copy(row);
      }
      return null;
    },
    async listForUser(userId: UserId): Promise<SessionRecord[]> {
      const now = Date.now();
      const found: SessionRecord[] = [];
      for (const candidate of [...rows.values()]) {
        if (!sameUser(candidate.user_id, userId)) continue;
        const row = live(candidate, now);
        if (row) found.push(copy(row));
      }
      return found.sort((a, b) => b.created_at.getTime() - a.created_at.getTime());
    },
    async touch(id: string, at: Date): Promise<void> {
      const row = live(rows.get(id));
      if (row) row.last_used_at = at;
    },
    async advanceRefresh(id: string, expected: number, at: Date): Promise<boolean> {
      const row = live(rows.get(id));
      if (!row || row.refresh_generation !== expected) return false;
      row.refresh_generation = expected + 1;
      row.refreshed_at = at;
      return true;
    },
    async delete(id: string): Promise<boolean> {
      return live(rows.get(id)) !== null && rows.delete(id);
    },
    async deleteAllForUser(userId: UserId, exceptId?: string): Promise<number> {
      let removed = 0;
      for (const [id, row] of [...rows]) {
        if (!sameUser(row.user_id, userId) || id === exceptId) continue;
        if (live(row) !== null) removed += 1;
        rows.delete(id);
      }
      return removed;
    },
  };
}
