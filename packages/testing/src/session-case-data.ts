// The sessions the session cases create, valid and expired, shared by the case files.
import { createHash } from 'node:crypto';
import type { SessionCreateData, SessionStore, UserId } from '@portcullis/core';

export const MINUTE = 60_000;

/** A session as a strategy would create it, valid for an hour; `overrides` win. */
export function sessionData(
  userId: UserId,
  unique: string,
  overrides: Partial<SessionCreateData> = {},
): SessionCreateData {
  const now = Date.now();
  return {
    id: `sid-${unique}`,
    user_id: userId,
    backend: 'session',
    expires_at: new Date(now + 60 * MINUTE),
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
    ip: '203.0.113.7',
    auth_time: new Date(now - MINUTE),
    mfa: false,
    // A SHA-256 hex digest, as core stores tokens by default.
    token_key: createHash('sha256').update(`token-${unique}`).digest('hex'),
    refresh_generation: null,
    ...overrides,
  };
}

/** A date's milliseconds, or null: compares dates a store may return as other instances. */
export const ms = (date: Date | null | undefined): number | null => (date ? date.getTime() : null);

/** An expired session: created two hours ago, expired a minute ago. */
export function expiredData(userId: UserId, unique: string): SessionCreateData {
  const now = Date.now();
  return sessionData(userId, unique, {
    created_at: new Date(now - 120 * MINUTE),
    expires_at: new Date(now - MINUTE),
    refresh_generation: 0,
  });
}

/**
 * A session store's optional one-call read (`getByTokenKeyWithUser`, `getByIdWithUser`), bound,
 * or a failure naming the capability the case was run for.
 */
export function oneCallRead<M extends 'getByTokenKeyWithUser' | 'getByIdWithUser'>(
  sessions: SessionStore,
  method: M,
  capability: string,
): NonNullable<SessionStore[M]> {
  const read = sessions[method];
  if (typeof read !== 'function') {
    throw new Error(`capabilities.${capability} is set, but the store has no ${method}`);
  }
  return read.bind(sessions) as NonNullable<SessionStore[M]>;
}
