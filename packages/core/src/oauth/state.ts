import { ErrorCode, PortcullisError } from '../errors';
import { createJwtCodec, isTokenError } from '../jwt';

/**
 * Options of {@link createOAuthStateCodec}.
 *
 * @example
 * ```ts
 * const options: OAuthStateOptions = { secret: process.env.STATE_SECRET, lifetimeSeconds: 600 };
 * ```
 */
export interface OAuthStateOptions {
  /** HS256 secret (upstream `state_secret`). Use at least 32 random bytes. */
  secret: string | Uint8Array;
  /** Default `portcullis:oauth-state` (FastAPI Users: `fastapi-users:oauth-state`). */
  audience?: string;
  /** Default 3600, as upstream; also the CSRF cookie's Max-Age. */
  lifetimeSeconds?: number;
}

/** What a valid state carries. */
export interface OAuthState {
  /** Null when the token has no (string) `csrftoken` claim. */
  csrftoken: string | null;
  /** The user id an associate flow started for; null in the login flow. */
  sub: string | null;
}

/**
 * Signs and reads the OAuth `state` parameter (see docs/contract/behaviour.md#tokens).
 *
 * @example
 * ```ts
 * const codec = createOAuthStateCodec({ secret });
 * const state = await codec.issue({ csrftoken: randomToken() });
 * const { csrftoken } = await codec.read(state);
 * ```
 */
export interface OAuthStateCodec {
  readonly lifetimeSeconds: number;
  issue(claims: { csrftoken: string; sub?: string }): Promise<string>;
  /**
   * Throws 400 `ACCESS_TOKEN_DECODE_ERROR` for a missing, malformed, forged or wrong-audience
   * token and 400 `ACCESS_TOKEN_ALREADY_EXPIRED` for an expired one. Upstream lets audience and
   * algorithm errors escape as 500s (see docs/contract/quirks.md#oauth-state-order); here every bad state is a 400.
   */
  read(token: string | null | undefined): Promise<OAuthState>;
}

/**
 * Creates the state codec: HS256, `aud` required and pinned, `exp` = now + lifetime.
 *
 * @example
 * ```ts
 * const codec = createOAuthStateCodec({ secret, audience: 'fastapi-users:oauth-state' });
 * ```
 */
export function createOAuthStateCodec(options: OAuthStateOptions): OAuthStateCodec {
  const lifetimeSeconds = options.lifetimeSeconds ?? 3600;
  if (!Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) {
    throw new PortcullisError(ErrorCode.CONFIGURATION, 'OAuth state lifetime must be positive');
  }
  const audience = options.audience ?? 'portcullis:oauth-state';
  const codec = createJwtCodec({ secret: options.secret, algorithm: 'HS256' });
  const decodeError = (cause?: unknown): PortcullisError =>
    new PortcullisError(ErrorCode.ACCESS_TOKEN_DECODE_ERROR, 'Invalid OAuth state', { cause });
  return Object.freeze({
    lifetimeSeconds,
    issue(claims: { csrftoken: string; sub?: string }): Promise<string> {
      // Claim order as upstream writes them: sub (associate only), csrftoken, aud.
      const ordered = claims.sub === undefined ? {} : { sub: claims.sub };
      return codec.sign(
        { ...ordered, csrftoken: claims.csrftoken, aud: audience },
        lifetimeSeconds,
      );
    },
    async read(token: string | null | undefined): Promise<OAuthState> {
      if (!token) throw decodeError();
      let claims: Record<string, unknown>;
      try {
        claims = await codec.verify(token, audience);
      } catch (error) {
        if (isTokenError(error) && error.code === ErrorCode.TOKEN_EXPIRED) {
          throw new PortcullisError(ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED, 'OAuth state expired', {
            cause: error,
          });
        }
        if (isTokenError(error)) throw decodeError(error);
        throw error;
      }
      return {
        csrftoken: typeof claims.csrftoken === 'string' ? claims.csrftoken : null,
        sub: typeof claims.sub === 'string' ? claims.sub : null,
      };
    },
  });
}
