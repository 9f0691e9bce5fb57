import type { LoginContext } from '../auth/strategy';
import { hex } from '../internal/hex';
import { nodeSha256, webCryptoSha256 } from '../internal/node-sha256';
import { randomToken } from '../random';
import type { SessionCreateData, SessionRecord, SessionStore, User } from '../types';

/** Longest `user_agent` kept on a session; longer headers are cut (docs/sessions.md). */
export const USER_AGENT_MAX = 512;

/**
 * A `user_agent` as sessions keep it: at most 512 characters, cut between code points (never
 * half a surrogate pair). Core applies it when it creates a session; stores apply it again to
 * what they are handed, so a record never holds more whoever wrote it.
 *
 * @example
 * ```ts
 * clipUserAgent('x'.repeat(600)).length; // 512
 * ```
 */
export function clipUserAgent(agent: string | null): string | null {
  if (agent === null || agent.length <= USER_AGENT_MAX) return agent;
  return Array.from(agent).slice(0, USER_AGENT_MAX).join('');
}

/** `last_used_at` is written at most once per this many milliseconds. */
export const TOUCH_INTERVAL_MS = 60_000;

/** How a database strategy keeps its tokens: SHA-256 hex (default) or as is (FastAPI Users). */
export type TokenStorage = 'hashed' | 'plain';

/**
 * The store key of an opaque access token: its SHA-256 in hex, so a dump of the store holds
 * nothing that authenticates; the token itself with `'plain'` (FastAPI Users' `accesstoken`
 * rows). A 256-bit random token needs no salt nor slow hash: nothing can be guessed.
 */
export async function tokenKeyOf(token: string, storage: TokenStorage): Promise<string> {
  return tokenKeyNow(token, storage) ?? webCryptoTokenKey(token);
}

/** `tokenKeyOf` without waiting, or null where only Web Crypto can hash. */
export function tokenKeyNow(token: string, storage: TokenStorage): string | null {
  if (storage === 'plain') return token;
  const node = nodeSha256();
  return node ? node.hex(token) : null;
}

/** The same key through Web Crypto, for runtimes without `node:crypto` (and for the tests). */
export async function webCryptoTokenKey(token: string): Promise<string> {
  return hex(await webCryptoSha256(token));
}

/** A session id: 128 random bits, base64url (never contains a `.`). Not a secret. */
export function newSessionId(): string {
  return randomToken(16);
}

/** The record of a new session for a login, from what the login route knew. */
export function sessionData(
  user: User,
  context: LoginContext | undefined,
  fields: {
    backend: string;
    lifetimeSeconds: number | null;
    tokenKey: string | null;
    refreshGeneration: number | null;
  },
): SessionCreateData {
  const now = Date.now();
  const agent = context?.request?.header('user-agent') ?? null;
  return {
    id: newSessionId(),
    user_id: user.id,
    backend: fields.backend,
    created_at: new Date(now),
    expires_at: fields.lifetimeSeconds ? new Date(now + fields.lifetimeSeconds * 1000) : null,
    user_agent: clipUserAgent(agent),
    ip: context?.clientAddress ?? null,
    auth_time: new Date(context?.authTime ?? now),
    mfa: context?.mfa ?? false,
    token_key: fields.tokenKey,
    refresh_generation: fields.refreshGeneration,
  };
}

/**
 * Records a use of the session, at most once a minute (one write per minute, not per request):
 * the store's promise, or null when no write is due, so the caller waits only for a write
 * (docs/performance.md#fewer-steps-on-core-s-own-routes).
 */
export function touchSession(store: SessionStore, session: SessionRecord): Promise<void> | null {
  const now = Date.now();
  if (now - session.last_used_at.getTime() < TOUCH_INTERVAL_MS) return null;
  return store.touch(session.id, new Date(now));
}
