import { checkContract, checkJwtSigning, checkLifetime } from '../internal/config-checks';
import { misconfiguredStrategy, problemOf } from '../internal/config-problem';
import { createJwtCodec, isTokenError, type JwtAlgorithm } from '../jwt';
import type { User } from '../types';
import { createTokenId, type TokenRevocationStore, tokenIdIssuedAt } from './revocation';
import type { Strategy, UserLookup } from './strategy';

export interface JwtStrategyOptions {
  /** Signing secret (HS*) or private key (PKCS8 PEM or CryptoKey) for RS*, ES*, EdDSA. */
  secret: string | Uint8Array | CryptoKey;
  /** Seconds a token lives; null never expires (not recommended). */
  lifetimeSeconds: number | null;
  /** Audiences written into tokens and accepted on read. Default `['portcullis:auth']`. */
  audience?: readonly string[];
  /** Default HS256. */
  algorithm?: JwtAlgorithm;
  /** Verification key for asymmetric algorithms (SPKI PEM or CryptoKey). */
  publicKey?: string | CryptoKey;
  /**
   * Opt-in revocation list (off by default: tokens stay stateless and keep their upstream
   * format `{sub, aud, exp}`). With a store, tokens also carry a `jti`; `/logout` revokes the
   * token, `revokeAllForUser` revokes every token of the user, and each read costs one store
   * lookup. Tokens without a `jti` (issued before revocation was turned on) are refused.
   */
  revocation?: TokenRevocationStore;
}

/**
 * JWT tokens: `sub` = user id, `aud` as an array, `exp` (see docs/contract/behaviour.md#tokens, docs/contract/behaviour.md#jwt-strategy). Stateless by default,
 * so logout cannot revoke them (as upstream); give a `revocation` store to make logout and
 * "log out everywhere" real.
 *
 * @example
 * ```ts
 * const strategy = createJwtStrategy({ secret: process.env.SECRET!, lifetimeSeconds: 3600 });
 * const revocable = createJwtStrategy({
 *   secret: process.env.SECRET!,
 *   lifetimeSeconds: 3600,
 *   revocation: createSqlRevocationStore(db),
 * });
 * ```
 */
export function createJwtStrategy<U extends User = User>(options: JwtStrategyOptions): Strategy<U> {
  // Reported by createPortcullis at start-up, with the option's full path.
  const problem = problemOf(() => checkOptions(options));
  if (problem) return misconfiguredStrategy(problem);
  const audience = [...(options.audience ?? ['portcullis:auth'])];
  const codec = createJwtCodec({
    secret: options.secret,
    algorithm: options.algorithm ?? 'HS256',
    ...(options.publicKey ? { publicKey: options.publicKey } : {}),
  });
  const lifetime = options.lifetimeSeconds;
  const revocation = options.revocation;

  async function decode(token: string): Promise<Record<string, unknown> | null> {
    try {
      return await codec.verify(token, audience);
    } catch (error) {
      // A bad token is "no user"; a broken key is a configuration error and must surface.
      if (isTokenError(error)) return null;
      throw error;
    }
  }

  if (!revocation) {
    return {
      async readToken(token: string, users: UserLookup<U>): Promise<U | null> {
        const claims = await decode(token);
        return typeof claims?.sub === 'string' ? users.findById(claims.sub) : null;
      },
      writeToken(user: U): Promise<string> {
        return codec.sign({ sub: String(user.id), aud: audience }, lifetime);
      },
      async destroyToken(): Promise<void> {
        // Stateless: nothing to revoke (see docs/contract/behaviour.md#jwt-strategy).
      },
    };
  }

  return {
    async readToken(token: string, users: UserLookup<U>): Promise<U | null> {
      const claims = await decode(token);
      const sub = claims?.sub;
      const jti = claims?.jti;
      const issuedAt = tokenIdIssuedAt(jti);
      // A token without our jti could not be revoked by logout: refuse it rather than honour it.
      if (typeof sub !== 'string' || typeof jti !== 'string' || issuedAt === null) return null;
      // One round trip of latency: the lookups do not depend on each other.
      const [revoked, cutoff, user] = await Promise.all([
        revocation.isRevoked(jti),
        revocation.revokedBefore(sub),
        users.findById(sub),
      ]);
      if (revoked || (cutoff !== null && issuedAt <= cutoff.getTime())) return null;
      return user;
    },
    writeToken(user: U): Promise<string> {
      const claims = { sub: String(user.id), aud: audience, jti: createTokenId() };
      return codec.sign(claims, lifetime);
    },
    async destroyToken(token: string, user: U): Promise<void> {
      const claims = await decode(token);
      // Logout may be authenticated by another backend (see docs/contract/quirks.md#logout-any-backend): only our own token of this
      // user is revoked; anything else is left alone, as upstream's no-op.
      const jti = claims?.jti;
      if (claims?.sub !== String(user.id) || typeof jti !== 'string') return;
      if (tokenIdIssuedAt(jti) === null) return;
      const expiresAt = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null;
      await revocation.revoke(jti, expiresAt);
    },
    async revokeAllForUser(user: U): Promise<void> {
      const now = Date.now();
      // Every token issued up to now has expired by now + lifetime: the cut-off may go then.
      const expiresAt = lifetime ? new Date(now + lifetime * 1000) : null;
      await revocation.revokeAllForUser(String(user.id), new Date(now), expiresAt);
      // Tokens issued in the cut-off's millisecond are revoked too; returning only once the
      // clock has moved past it means a login started after this call is never caught. A loop:
      // a 1 ms timer may fire before Date.now() ticks (timers run on a cached loop time).
      while (Date.now() <= now) await new Promise((resolve) => setTimeout(resolve, 1));
    },
  };
}

/** A known algorithm with keys that fit it, a positive lifetime, a whole revocation store. */
function checkOptions(options: JwtStrategyOptions): void {
  checkJwtSigning('', options);
  checkLifetime('lifetimeSeconds', options.lifetimeSeconds, { null: true });
  if (options.revocation !== undefined) {
    checkContract('revocation', options.revocation, 'TokenRevocationStore');
  }
}
