import { createJwtCodec, type JwtAlgorithm, JwtError } from '../jwt';
import type { User } from '../types';
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
}

/**
 * Stateless JWT tokens: `sub` = user id, `aud` as an array, `exp` (spec §7, §9.3). Logout cannot
 * revoke them.
 *
 * @example
 * ```ts
 * const strategy = createJwtStrategy({ secret: process.env.SECRET!, lifetimeSeconds: 3600 });
 * ```
 */
export function createJwtStrategy<U extends User = User>(options: JwtStrategyOptions): Strategy<U> {
  const audience = [...(options.audience ?? ['portcullis:auth'])];
  const codec = createJwtCodec({
    secret: options.secret,
    algorithm: options.algorithm ?? 'HS256',
    ...(options.publicKey ? { publicKey: options.publicKey } : {}),
  });
  return {
    async readToken(token: string, users: UserLookup<U>): Promise<U | null> {
      let claims: Record<string, unknown>;
      try {
        claims = await codec.verify(token, audience);
      } catch (error) {
        // A bad token is "no user"; a broken key is a configuration error and must surface.
        if (error instanceof JwtError) return null;
        throw error;
      }
      return typeof claims.sub === 'string' ? users.findById(claims.sub) : null;
    },
    writeToken(user: U): Promise<string> {
      return codec.sign({ sub: String(user.id), aud: audience }, options.lifetimeSeconds);
    },
    async destroyToken(): Promise<void> {
      // Stateless: nothing to revoke (spec §9.3).
    },
  };
}
