import type { JWK, JWTPayload } from 'jose';
// jose's subpath entries, not its index: the index loads every module of jose (46). Only what
// the synchronous HMAC path needs is imported with core (its errors here, the decoders in
// ./internal/hmac-jws.ts); the rest loads on first use (`loadJose`, docs/performance.md#import-cost).
import * as errors from 'jose/errors';
import { ErrorCode, isPortcullisError, PortcullisError } from './errors';
import { createHmacSigner, createHmacVerifier, type HmacVerifier } from './internal/hmac-jws';
import { createSyncHmac } from './internal/sync-hmac';
import {
  acceptsAudience,
  DEFAULT_VERIFIED_TOKEN_CACHE_SIZE,
  VerifiedTokenCache,
} from './internal/verified-token-cache';

/**
 * The JWS algorithms a codec can be pinned to (FastAPI Users' JWTStrategy accepts any PyJWT
 * algorithm; these are the ones Web Crypto offers everywhere).
 *
 * @example
 * ```ts
 * const algorithm: JwtAlgorithm = 'ES256';
 * ```
 */
export type JwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/**
 * Options of {@link createJwtCodec}.
 *
 * @example
 * ```ts
 * const hmac: JwtCodecOptions = { secret: process.env.SECRET };
 * const rsa: JwtCodecOptions = { algorithm: 'RS256', secret: privatePkcs8Pem, publicKey: spkiPem };
 * ```
 */
export interface JwtCodecOptions {
  /** Signing algorithm, also the only one accepted on decode. Default `HS256`. */
  algorithm?: JwtAlgorithm;
  /**
   * Signing key. HS*: a string (used as UTF-8 bytes, like PyJWT), bytes or an HMAC CryptoKey.
   * Asymmetric: a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or a private CryptoKey.
   */
  secret: string | Uint8Array | CryptoKey;
  /**
   * Verification key for asymmetric algorithms: an SPKI PEM (`-----BEGIN PUBLIC KEY-----`) or a
   * public CryptoKey. When omitted, it is derived once from the private key (which must then be a
   * PEM or an extractable CryptoKey).
   */
  publicKey?: string | CryptoKey;
  /**
   * How many verified tokens to remember (full token string → claims), so a token seen again
   * skips the signature check; `aud` and `exp` are still checked on every use, and only tokens
   * that passed every check are kept. Default 10 000 (a few MB at most); 0 turns it off.
   * Nothing about the user is cached: the strategies load the user on every request.
   */
  verifiedTokenCacheSize?: number;
}

/**
 * Signs and verifies JWTs with one pinned algorithm and keys imported once.
 *
 * @example
 * ```ts
 * const token = await codec.sign({ sub: user.id, aud: ['portcullis:auth'] }, 3600);
 * const claims = await codec.verify(token, 'portcullis:auth');
 * ```
 */
export interface JwtCodec {
  sign(claims: Record<string, unknown>, lifetimeSeconds: number | null): Promise<string>;
  /**
   * The token's claims, deep-frozen. Rejects with `TOKEN_EXPIRED` or `TOKEN_INVALID` (bad
   * signature, format, audience, alg, claims).
   */
  verify(
    token: string,
    audience: string | readonly string[],
  ): Promise<Readonly<Record<string, unknown>>>;
  /**
   * `verify` without a promise, where no waiting is needed: a token verified before (the
   * verified-token cache) or an HS* token on a runtime with a synchronous HMAC. Undefined when
   * the token needs `verify` (an asymmetric key, or a token the fast path leaves to jose);
   * throws what `verify` rejects with. Optional: a codec of the app's own may leave it out.
   */
  verifySync?(
    token: string,
    audience: string | readonly string[],
  ): Readonly<Record<string, unknown>> | undefined;
}

/** A refused token: `TOKEN_EXPIRED` or `TOKEN_INVALID`. Messages never hold the token. */
function tokenError(
  kind: 'expired' | 'invalid',
  message: string,
  cause?: unknown,
): PortcullisError {
  const code = kind === 'expired' ? ErrorCode.TOKEN_EXPIRED : ErrorCode.TOKEN_INVALID;
  return new PortcullisError(code, message, cause === undefined ? {} : { cause });
}

/**
 * True for the error `JwtCodec.verify` rejects a bad or expired token with (as opposed to a
 * broken key or a bug, which must surface).
 *
 * @example
 * ```ts
 * try {
 *   await codec.verify(token, 'portcullis:reset');
 * } catch (error) {
 *   if (isTokenError(error)) return null;
 *   throw error;
 * }
 * ```
 */
export function isTokenError(error: unknown): error is PortcullisError {
  return (
    isPortcullisError(error) &&
    (error.code === ErrorCode.TOKEN_EXPIRED || error.code === ErrorCode.TOKEN_INVALID)
  );
}

const HMAC_HASH: Readonly<Record<string, string>> = {
  HS256: 'SHA-256',
  HS384: 'SHA-384',
  HS512: 'SHA-512',
};

const ASYMMETRIC = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

/** JWK members that make up a public key (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2). */
const PUBLIC_JWK_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y'] as const;

const PEM_PRIVATE = '-----BEGIN PRIVATE KEY-----';
const PEM_PUBLIC = '-----BEGIN PUBLIC KEY-----';

const encoder = new TextEncoder();

/** A tag check rather than `instanceof`, which fails for keys from another realm or polyfill. */
function isCryptoKey(value: unknown): value is CryptoKey {
  return Object.prototype.toString.call(value) === '[object CryptoKey]';
}

/** jose's errors as ours; anything else (a broken key, a bug) is passed on unchanged. */
function asTokenError(error: unknown): unknown {
  if (error instanceof errors.JWTExpired) {
    return tokenError('expired', 'Token expired', error);
  }
  if (error instanceof errors.JOSEError) {
    return tokenError('invalid', `Invalid token (${error.code})`, error);
  }
  return error;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The audiences as the verifiers take them: a mutable copy of a read-only list. */
function accepted(audience: string | readonly string[]): string | string[] {
  return typeof audience === 'string' ? audience : [...audience];
}

/** Memoises an async key import: the first call starts it, every later call shares it. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= load();
    return promise;
  };
}

/**
 * jose's signing, verification and key modules, loaded on the first call that needs them: an
 * asymmetric key, a runtime without a synchronous HMAC, or a token the fast path leaves to jose.
 * The usual codec (HS* on Node) never loads them; they were about a quarter of importing core.
 */
const loadJose = once(async () => {
  const [{ SignJWT }, { jwtVerify }, { exportJWK }, { importJWK, importPKCS8, importSPKI }] =
    await Promise.all([
      import('jose/jwt/sign'),
      import('jose/jwt/verify'),
      import('jose/key/export'),
      import('jose/key/import'),
    ]);
  return { SignJWT, jwtVerify, exportJWK, importJWK, importPKCS8, importSPKI };
});

interface KeyLoaders {
  signKey: () => Promise<CryptoKey>;
  verifyKey: () => Promise<CryptoKey>;
  /** HS* with a byte secret, where the runtime has a synchronous HMAC (issue 7). */
  fastVerify?: HmacVerifier;
  fastSign?: (claims: JWTPayload) => string;
}

function hmacKeys(hash: string, options: JwtCodecOptions): KeyLoaders {
  const { secret } = options;
  if (options.publicKey !== undefined) {
    throw new TypeError('createJwtCodec: publicKey is only used with asymmetric algorithms');
  }
  if (isCryptoKey(secret)) {
    const key = async (): Promise<CryptoKey> => secret;
    return { signKey: key, verifyKey: key };
  }
  if (typeof secret === 'string' && secret.includes('-----BEGIN')) {
    // PyJWT refuses PEM material as an HMAC secret: a public key used as an HMAC secret is the
    // classic algorithm-confusion setup.
    throw new TypeError('createJwtCodec: a PEM key cannot be an HMAC secret; set `algorithm`');
  }
  // Copied now, so a caller mutating its buffer later cannot change the key.
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : new Uint8Array(secret);
  if (bytes.length === 0) throw new TypeError('createJwtCodec: secret must not be empty');
  // jose re-imports a raw Uint8Array secret on every call; one CryptoKey serves every request.
  const key = once(() =>
    crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, ['sign', 'verify']),
  );
  const hmac = createSyncHmac(hash, bytes);
  const algorithm = options.algorithm ?? 'HS256';
  return hmac
    ? {
        signKey: key,
        verifyKey: key,
        fastVerify: createHmacVerifier(algorithm, hmac),
        fastSign: createHmacSigner(algorithm, hmac),
      }
    : { signKey: key, verifyKey: key };
}

async function derivePublicKey(privateKey: CryptoKey, algorithm: string): Promise<CryptoKey> {
  const { exportJWK, importJWK } = await loadJose();
  const jwk = await exportJWK(privateKey);
  const publicJwk: JWK = {};
  for (const member of PUBLIC_JWK_MEMBERS) {
    if (jwk[member] !== undefined) publicJwk[member] = jwk[member];
  }
  return (await importJWK(publicJwk, algorithm)) as CryptoKey;
}

function asymmetricKeys(algorithm: string, options: JwtCodecOptions): KeyLoaders {
  const { secret, publicKey } = options;
  if (typeof secret === 'string' && !secret.includes(PEM_PRIVATE)) {
    throw new TypeError(
      `createJwtCodec: ${algorithm} needs a PKCS#8 PEM secret (${PEM_PRIVATE}); convert other ` +
        'PEM files with `openssl pkcs8 -topk8 -nocrypt`',
    );
  }
  if (typeof publicKey === 'string' && !publicKey.includes(PEM_PUBLIC)) {
    throw new TypeError(`createJwtCodec: publicKey must be an SPKI PEM (${PEM_PUBLIC})`);
  }
  if (!isCryptoKey(secret) && typeof secret !== 'string') {
    throw new TypeError(`createJwtCodec: ${algorithm} needs a PEM or CryptoKey secret, not bytes`);
  }
  if (publicKey === undefined && isCryptoKey(secret) && !secret.extractable) {
    throw new TypeError(
      'createJwtCodec: publicKey is required when the private CryptoKey is not extractable',
    );
  }

  const signKey = once(async () =>
    typeof secret === 'string' ? (await loadJose()).importPKCS8(secret, algorithm) : secret,
  );
  const verifyKey = once(async () => {
    if (typeof publicKey === 'string') return (await loadJose()).importSPKI(publicKey, algorithm);
    if (publicKey !== undefined) return publicKey;
    // Upstream verifies with `public_key or secret`; Web Crypto cannot verify with a private key,
    // so the public half is derived instead (once; the extractable copy is dropped right away).
    const extractable =
      typeof secret === 'string'
        ? await (await loadJose()).importPKCS8(secret, algorithm, { extractable: true })
        : secret;
    return derivePublicKey(extractable, algorithm);
  });
  return { signKey, verifyKey };
}

/**
 * Creates a JWT codec with PyJWT's semantics as FastAPI Users uses them (see docs/contract/behaviour.md#tokens): claims are
 * copied; `exp` = now + lifetime when the lifetime is truthy (null or 0: no `exp`); header
 * `{ alg, typ: 'JWT' }`. Decoding pins the one algorithm, requires `aud` and accepts the token
 * when its `aud` (string or array) contains one of the accepted audiences; a token is expired
 * when `exp <= now` (no leeway); `sub`, if present, must be a string; `iat`, if present, must
 * not be in the future; unknown `crit` header parameters are refused.
 *
 * Keys are checked when the codec is created and imported once, on first use; a bad key makes
 * `sign`/`verify` reject with a TypeError (a configuration error), never with a token error.
 *
 * Verified tokens are remembered (`verifiedTokenCacheSize`, issue 7): a client re-sending the
 * same token costs a map lookup and the `aud`/`exp` checks instead of an HMAC or signature
 * verification. The answer for any token at any instant is the one a fresh verification gives:
 * `nbf` and `iat` only move from failing to passing as time goes on, so a token that passed
 * them once passes them for good, while `aud` and `exp` are checked again on every use.
 *
 * @throws TypeError for an unknown algorithm or a key of the wrong shape.
 *
 * @example
 * ```ts
 * const codec = createJwtCodec({ secret: process.env.SECRET });
 * const token = await codec.sign({ sub: '42', aud: ['portcullis:auth'] }, 3600);
 * const claims = await codec.verify(token, ['portcullis:auth']); // { sub: '42', aud: [...], exp }
 * ```
 */
export function createJwtCodec(options: JwtCodecOptions): JwtCodec {
  const algorithm = options.algorithm ?? 'HS256';
  const hmacHash = HMAC_HASH[algorithm];
  let keys: KeyLoaders;
  if (hmacHash !== undefined) keys = hmacKeys(hmacHash, options);
  else if (ASYMMETRIC.has(algorithm)) keys = asymmetricKeys(algorithm, options);
  else throw new TypeError(`createJwtCodec: unsupported algorithm ${String(algorithm)}`);
  const { signKey, verifyKey, fastVerify, fastSign } = keys;
  const algorithms = [algorithm];
  const cacheSize = options.verifiedTokenCacheSize ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) {
    throw new TypeError('createJwtCodec: verifiedTokenCacheSize must be a whole number >= 0');
  }
  const cache = new VerifiedTokenCache(cacheSize);

  /** The claims of a token checked without waiting (cached, or HS* verified here), else undefined. */
  function verifyKnown(
    token: string,
    audience: string | readonly string[],
  ): Readonly<Record<string, unknown>> | undefined {
    const known = cache.get(token);
    if (known !== undefined) {
      // jose's order: audience before expiry, so both paths give the same kind of error.
      if (!acceptsAudience(known.audiences, audience)) {
        throw tokenError('invalid', 'Invalid token (ERR_JWT_CLAIM_VALIDATION_FAILED)');
      }
      if (known.expiresAt !== undefined && known.expiresAt <= nowSeconds()) {
        cache.delete(token);
        throw tokenError('expired', 'Token expired');
      }
      return known.claims;
    }
    if (fastVerify === undefined) return undefined;
    let payload: JWTPayload | undefined;
    try {
      payload = fastVerify(token, accepted(audience));
    } catch (error) {
      throw asTokenError(error);
    }
    return payload === undefined ? undefined : remember(token, payload);
  }

  /** PyJWT's checks jose leaves to the caller (docs/contract/behaviour.md#tokens), then cached. */
  function remember(token: string, payload: JWTPayload): Readonly<Record<string, unknown>> {
    if (payload.sub !== undefined && typeof payload.sub !== 'string') {
      throw tokenError('invalid', 'Invalid token ("sub" claim must be a string)');
    }
    if (payload.iat !== undefined && payload.iat > nowSeconds()) {
      throw tokenError('invalid', 'Invalid token ("iat" claim is in the future)');
    }
    return cache.add(token, payload).claims;
  }

  return Object.freeze({
    async sign(claims: Record<string, unknown>, lifetimeSeconds: number | null): Promise<string> {
      const payload = { ...claims } as JWTPayload;
      if (lifetimeSeconds) {
        if (!Number.isFinite(lifetimeSeconds)) {
          throw new TypeError('JwtCodec.sign: lifetimeSeconds must be a finite number or null');
        }
        // PyJWT encodes `now + timedelta(lifetime)` as integer seconds, rounded down.
        payload.exp = Math.floor(Date.now() / 1000 + lifetimeSeconds);
      }
      if (fastSign) return fastSign(payload);
      const { SignJWT } = await loadJose();
      return new SignJWT(payload)
        .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
        .sign(await signKey());
    },

    async verify(
      token: string,
      audience: string | readonly string[],
    ): Promise<Readonly<Record<string, unknown>>> {
      const known = verifyKnown(token, audience);
      if (known !== undefined) return known;
      // Outside any try: a key that fails to import is a configuration error, not a bad token.
      const key = await verifyKey();
      const { jwtVerify } = await loadJose();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, { algorithms, audience: accepted(audience) }));
      } catch (error) {
        throw asTokenError(error);
      }
      return remember(token, payload);
    },

    verifySync: verifyKnown,
  });
}
