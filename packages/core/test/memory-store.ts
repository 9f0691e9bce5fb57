import {
  createMemoryUserStore as createSharedUserStore,
  type MemoryUserStoreOptions,
} from '../src/memory-user-store';
import type { User, UserStore } from '../src/types';

export { createMemoryAccessTokenStore } from '../src/memory-user-store';

/**
 * Core's in-memory user store with its rows in view, for unit tests that read or change a user
 * behind the store's back. Given the access-token store, deleting a user also deletes its tokens
 * (the SQL cascade; checked by STORE-CASCADE-001 of the store suite).
 */
export function createMemoryUserStore(
  options: Omit<MemoryUserStoreOptions, 'rows'> = {},
): UserStore & { rows: Map<string, User> } {
  const rows = new Map<string, User>();
  return Object.assign(createSharedUserStore({ ...options, rows }), { rows });
}
