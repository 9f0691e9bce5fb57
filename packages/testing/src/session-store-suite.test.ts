import type { SessionRecord, SessionStore } from '@portcullis/core';
import { createMemorySessionStore } from '@portcullis/core/adapter';
import { sessionStoreSuite } from './session-store-suite';

/** The smallest store that keeps the contract: proves the cases ask for nothing more. */
function createMapSessionStore(): SessionStore {
  const byId = new Map<string, SessionRecord>();
  const live = (s: SessionRecord | undefined): SessionRecord | null =>
    s !== undefined && (s.expires_at === null || s.expires_at.getTime() > Date.now())
      ? { ...s }
      : null;
  return {
    async create(data) {
      const createdAt = data.created_at ?? new Date();
      const record = {
        ...data,
        created_at: createdAt,
        last_used_at: createdAt,
        refreshed_at: null,
      };
      byId.set(record.id, record);
      return { ...record };
    },
    get: async (id) => live(byId.get(id)),
    async getByTokenKey(key, maxAge) {
      for (const s of byId.values()) {
        if (s.token_key !== key) continue;
        if (maxAge !== undefined && s.created_at < maxAge) return null;
        return live(s);
      }
      return null;
    },
    async listForUser(userId) {
      return [...byId.values()]
        .filter((s) => s.user_id === userId && live(s) !== null)
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
        .map((s) => ({ ...s }));
    },
    async touch(id, at) {
      const s = byId.get(id);
      if (live(s) !== null && s !== undefined) s.last_used_at = at;
    },
    async advanceRefresh(id, expected, at) {
      const s = byId.get(id);
      if (s === undefined || live(s) === null || s.refresh_generation !== expected) return false;
      s.refresh_generation = expected + 1;
      s.refreshed_at = at;
      return true;
    },
    async delete(id) {
      return live(byId.get(id)) !== null && byId.delete(id);
    },
    async deleteAllForUser(userId, exceptId) {
      let count = 0;
      for (const s of [...byId.values()]) {
        if (s.user_id !== userId || s.id === exceptId || live(s) === null) continue;
        byId.delete(s.id);
        count += 1;
      }
      return count;
    },
  };
}

sessionStoreSuite({ name: 'a Map', create: async () => createMapSessionStore() });

// Core's memory store, which the HTTP suites' apps use: held to the same cases.
sessionStoreSuite({ name: 'core memory store', create: async () => createMemorySessionStore() });
