import { PortcullisConfigError } from '../errors';
import {
  checkContract,
  checkHmacSecret,
  checkJwtSigning,
  checkLifetime,
} from '../internal/config-checks';
import { misconfiguredStrategy, problemOf } from '../internal/config-problem';
import { createJwtCodec, type JwtAlgorithm } from '../jwt';
import { createSessionJwtStrategy, type ResolvedRefresh } from '../sessions/session-jwt-strategy';
import type { SessionStore, User } from '../types';
import { createTokenId, type TokenRevocationStore, tokenIdIssuedAt } from './revocation';
import type { Strategy, UserLookup } from './strategy';
import { claimsNow, verifiedClaims } from './token-claims';

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
  /**
   * Every login becomes a session in this store (docs/sessions.md): tokens carry `sid` and an
   * audience bound to their backend (`portcullis:session:<backend name>` unless `audience` is
   * given), every read checks the session is still live (one store lookup per request), and
   * the sessions routes list and end them. Not with `revocation`: a session is already revocable.
   */
  sessions?: SessionStore;
  /**
   * Refresh tokens, opt-in (needs `sessions`): login also answers a refresh token, and
   * `POST {prefix}/refresh` rotates it. See docs/sessions.md.
   */
  refresh?: RefreshOptions;
}

/** Refresh-token settings of a JWT strategy with sessions (docs/sessions.md). */
export interface RefreshOptions {
  /**
   * Seconds a session with refresh tokens lives from its login; refreshing does not extend it
   * (an absolute session lifetime).
   */
  lifetimeSeconds: number;
  /**
   * Seconds the previous refresh token still yields the same successor after a rotation, so
   * two tabs refreshing at once both stay logged in. Default 10; 0 turns the window off.
   */
  reuseGraceSeconds?: number;
  /**
   * Key of the refresh tokens' HMAC, at least 32 bytes. Default: the strategy's `secret` (a
   * key of its own is required with an asymmetric algorithm).
   */
  secret?: string | Uint8Array;
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
  if (options.sessions) {
    return createSessionJwtStrategy<U>({
      codec,
      lifetime,
      audience: options.audience,
      sessions: options.sessions,
      refresh: resolveRefresh(options),
    });
  }

  // A bad token is "no user"; a broken key is a configuration error and must surface.
  const decode = (token: string) => verifiedClaims(codec, token, audience);
  const userOf = (claims: Readonly<Record<string, unknown>> | null, users: UserLookup<U>) =>
    typeof claims?.sub === 'string' ? users.findById(claims.sub) : Promise.resolve(null);

  if (!revocation) {
    return {
      readToken(token: string, users: UserLookup<U>): Promise<U | null> {
        // The usual token (seen before, or HS*) is read with no promise of its own: the store's
        // is returned as it is (docs/performance.md).
        try {
          const claims = claimsNow(codec, token, audience);
          if (claims === undefined) return decode(token).then((found) => userOf(found, users));
          return userOf(claims, users);
        } catch (error) {
          return Promise.reject(error);
        }
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
  if (options.sessions !== undefined) {
    checkContract('sessions', options.sessions, 'SessionStore');
    if (options.revocation !== undefined) {
      throw new PortcullisConfigError(
        'revocation',
        'is not used with sessions: a session is revoked in its store (give one of the two)',
      );
    }
  }
  if (options.refresh !== undefined) {
    if (options.sessions === undefined) {
      throw new PortcullisConfigError('refresh', 'needs sessions: refresh tokens rotate a session');
    }
    const refresh = options.refresh as Partial<RefreshOptions> | null;
    if (typeof refresh !== 'object' || refresh === null) {
      throw new PortcullisConfigError('refresh', 'must be an object { lifetimeSeconds, … }');
    }
    checkLifetime('refresh.lifetimeSeconds', refresh.lifetimeSeconds, {});
    const grace = refresh.reuseGraceSeconds;
    if (
      grace !== undefined &&
      !(typeof grace === 'number' && Number.isFinite(grace) && grace >= 0)
    ) {
      throw new PortcullisConfigError(
        'refresh.reuseGraceSeconds',
        `must be a number of seconds, 0 or more (got ${typeof grace})`,
      );
    }
    if (refresh.secret !== undefined) checkHmacSecret('refresh.secret', refresh.secret);
    else if (typeof options.secret !== 'string' && !(options.secret instanceof Uint8Array)) {
      throw new PortcullisConfigError(
        'refresh.secret',
        'is required when the strategy signs with a key rather than a secret (at least 32 bytes)',
      );
    }
  }
}

function resolveRefresh(options: JwtStrategyOptions): ResolvedRefresh | undefined {
  const refresh = options.refresh;
  if (!refresh) return undefined;
  return {
    lifetimeSeconds: refresh.lifetimeSeconds,
    reuseGraceSeconds: refresh.reuseGraceSeconds ?? 10,
    secret: refresh.secret ?? (options.secret as string | Uint8Array),
  };
}
