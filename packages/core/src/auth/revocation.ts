/**
 * Opt-in revocation for JWT auth tokens. Upstream JWT logout is a no-op (see docs/contract/behaviour.md#jwt-strategy):
 * with a revocation store, `/logout` really ends a JWT session and "log out everywhere" works
 * for JWTs too, at the price of one store lookup per authenticated request.
 */
import { hex } from '../internal/hex';

/**
 * Where revoked JWTs are remembered. Every entry carries the instant after which it may be
 * dropped (`expiresAt`, the expiry of the token or tokens it revokes; `null` when they never
 * expire): a store lets entries expire there (Redis `PXAT`, a MongoDB TTL index, a purge in
 * SQL) and must ignore them afterwards, so the list never outgrows the live tokens.
 *
 * Implementations: `createSqlRevocationStore` (`@portcullis/sql`),
 * `createMongoRevocationStore` (`@portcullis/mongodb`), `createRedisRevocationStore`
 * (`@portcullis/redis`). Writes must be atomic: two concurrent `revokeAllForUser` calls keep
 * the later cut-off, whichever lands last.
 *
 * @example
 * ```ts
 * const strategy = createJwtStrategy({
 *   secret: process.env.SECRET!,
 *   lifetimeSeconds: 3600,
 *   revocation: createRedisRevocationStore({ redis }),
 * });
 * ```
 */
export interface TokenRevocationStore {
  /** Refuses the token with this `jti` from now on, until `expiresAt` (then it is dead anyway). */
  revoke(jti: string, expiresAt: Date | null): Promise<void>;
  /** True when `revoke(jti)` was called and its entry has not expired. */
  isRevoked(jti: string): Promise<boolean>;
  /**
   * Refuses every token of the user issued at or before `before` ("log out everywhere"). Keeps
   * the later of the stored and the given cut-off. `expiresAt`: when the last token issued
   * before the cut-off expires.
   */
  revokeAllForUser(userId: string, before: Date, expiresAt: Date | null): Promise<void>;
  /** The user's cut-off, or null when there is none (or it expired). */
  revokedBefore(userId: string): Promise<Date | null>;
}

const TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A token id (`jti`, RFC 7519 §4.1.7) for a revocable JWT: a UUIDv7 (RFC 9562 §5.7), whose
 * first 48 bits are the issue time in milliseconds and the other 74 variable bits random.
 * "Log out everywhere" compares that time with the user's cut-off: `iat` has one-second
 * precision, too coarse to tell a token issued just before a cut-off from one issued just
 * after it (a user who logs out everywhere and signs straight back in).
 *
 * @example
 * ```ts
 * const jti = createTokenId(); // '0190b4c2-6f3a-7c1e-9a4b-3d2f1e0c9b8a'
 * ```
 */
export function createTokenId(now: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let time = Math.floor(now);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const digits = hex(bytes);
  const parts = [
    digits.slice(0, 8),
    digits.slice(8, 12),
    digits.slice(12, 16),
    digits.slice(16, 20),
  ];
  return [...parts, digits.slice(20)].join('-');
}

/**
 * The issue time (Unix milliseconds) of a token id made by `createTokenId`, or null when the
 * value is not one.
 *
 * @example
 * ```ts
 * tokenIdIssuedAt(createTokenId(1_700_000_000_000)); // 1700000000000
 * tokenIdIssuedAt('not-a-uuid'); // null
 * ```
 */
export function tokenIdIssuedAt(jti: unknown): number | null {
  if (typeof jti !== 'string' || !TOKEN_ID.test(jti)) return null;
  return Number.parseInt(jti.slice(0, 8) + jti.slice(9, 13), 16);
}
