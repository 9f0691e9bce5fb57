import { retryAfterSeconds } from '../abuse/too-many-requests';
import { ErrorCode, PortcullisError } from '../errors';
import type { PortcullisRequest } from '../http/request';
import { createJwtCodec, isTokenError } from '../jwt';
import type { UserManager } from '../manager';
import { randomToken } from '../random';
import type { MfaStore, User } from '../types';
import type { MfaFailureReason } from './events';
import { deriveMfaKeyring, type MfaKeyring, type MfaKeys, openWithKeyring } from './mfa-keys';
import { generateRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';
import { base32Decode, base32Encode, matchTotp, otpauthUri } from './totp';

/**
 * The `mfa` option of `createPortcullis`: where second factors live and the key that seals
 * them. See docs/mfa.md.
 *
 * @example
 * ```ts
 * const mfa: MfaOptions = {
 *   store: createMemoryMfaStore(),
 *   encryptionKey: process.env.MFA_ENCRYPTION_KEY ?? '',
 *   issuer: 'Camelot',
 * };
 * ```
 */
export interface MfaOptions {
  /** Where factors live: `createSqlMfaStore(db)`, `createMongoMfaStore(db)`, `createMemoryMfaStore()`. */
  store: MfaStore;
  /**
   * At least 32 bytes (a string is used as UTF-8). TOTP secrets are encrypted with a key
   * derived from it, recovery codes digested and MFA tokens signed: changing it disables
   * every enrolled authenticator and recovery code.
   */
  encryptionKey: string | Uint8Array;
  /**
   * Keys that were `encryptionKey` before, newest first, each at least 32 bytes. What they
   * sealed still opens (a TOTP secret is sealed again under the current key on its next use),
   * their recovery codes still count and their MFA tokens still verify; nothing new is made
   * with them. Default none. See docs/mfa.md#rotating-the-key.
   */
  previousEncryptionKeys?: readonly (string | Uint8Array)[];
  /** The issuer an authenticator app shows next to the account. Default `Portcullis`. */
  issuer?: string;
}

/** Wrong codes an MFA token survives; the next attempt finds it dead. */
export const MFA_TOKEN_ATTEMPTS = 5;
/** Seconds an MFA token lives. */
export const MFA_TOKEN_LIFETIME = 300;
const AUDIENCE = 'portcullis:mfa';
/** `/totp/disable` attempts per user per window: a stolen session must not brute-force it. */
const DISABLE_ATTEMPTS = 5;
const DISABLE_WINDOW_MS = 300_000;
/**
 * Second-step attempts per user per window, across MFA tokens: whoever has the password could
 * otherwise fetch token after token and guess five codes with each (docs/mfa.md).
 */
const LOGIN_ATTEMPTS_PER_USER = 10;
const LOGIN_WINDOW_MS = 300_000;

/**
 * Counts one attempt of `kind` for the user in the current window: null while within `limit`,
 * past it the 429 to throw, whose `Retry-After` is the rest of the window.
 */
async function countPerUser(
  store: MfaStore,
  kind: string,
  userId: unknown,
  limit: number,
  windowMs: number,
): Promise<PortcullisError | null> {
  const now = Date.now();
  const window = Math.floor(now / windowMs);
  const windowEnd = (window + 1) * windowMs;
  const admitted = await store.countTokenAttempt(
    `${kind}:${String(userId)}:${window}`,
    limit,
    new Date(windowEnd),
  );
  if (admitted) return null;
  return new PortcullisError(ErrorCode.TOO_MANY_REQUESTS, 'Too many second-factor attempts', {
    retryAfter: retryAfterSeconds(windowEnd, now),
  });
}

/** What the routes call; built once by `createPortcullis` from `MfaOptions`. */
export interface MfaGate<U extends User = User> {
  readonly store: MfaStore;
  /** True when a login of this user must pass the second step. */
  required(user: U): Promise<boolean>;
  /** The 400 `LOGIN_MFA_REQUIRED` carrying a fresh `mfa_token` bound to the user and backend. */
  challenge(user: U, backend: string): Promise<PortcullisError>;
  /**
   * Redeems an `mfa_token` with a TOTP or recovery code on the named backend: the user, or a
   * thrown `MFA_BAD_TOKEN` / `MFA_BAD_CODE`.
   */
  redeem(token: string, code: string, backend: string, request: PortcullisRequest): Promise<U>;
  /** Starts (or restarts) enrolment: the new pending secret and its `otpauth://` URI. */
  setup(user: U): Promise<{ secret: string; otpauth_uri: string }>;
  /** Confirms enrolment with a code of the pending secret: the ten recovery codes. */
  enable(user: U, code: string, request: PortcullisRequest): Promise<string[]>;
  /** Turns TOTP off after a TOTP or recovery code. */
  disable(user: U, code: string, request: PortcullisRequest): Promise<void>;
}

function badCode(): PortcullisError {
  return new PortcullisError(ErrorCode.MFA_BAD_CODE, 'Wrong second-factor code');
}
function badToken(): PortcullisError {
  return new PortcullisError(ErrorCode.MFA_BAD_TOKEN, 'Unusable MFA token');
}

export interface MfaGateDeps<U extends User> {
  readonly manager: UserManager<U>;
  readonly clientAddress: (request: PortcullisRequest) => string | null;
}

/** Builds the gate; keys are derived on first use (Web Crypto is asynchronous). */
export function createMfaGate<U extends User>(
  options: MfaOptions,
  deps: MfaGateDeps<U>,
): MfaGate<U> {
  const { store } = options;
  const { manager } = deps;
  const issuer = options.issuer ?? 'Portcullis';
  let ringPromise: Promise<MfaKeyring> | undefined;
  const keys = (): Promise<MfaKeyring> => {
    ringPromise ??= deriveMfaKeyring(options.encryptionKey, options.previousEncryptionKeys);
    return ringPromise;
  };
  // One codec per key: the current one signs, and a token verifies under the first that takes it.
  let codecsPromise: ReturnType<typeof makeCodecs> | undefined;
  const makeCodecs = async () => {
    const ring = await keys();
    const codecOf = (k: MfaKeys) =>
      createJwtCodec({ secret: k.tokenKey, verifiedTokenCacheSize: 0 });
    return { current: codecOf(ring.current), retired: ring.retired.map(codecOf) };
  };
  const codecs = () => {
    codecsPromise ??= makeCodecs();
    return codecsPromise;
  };
  const verifyToken = async (token: string): Promise<Readonly<Record<string, unknown>>> => {
    const { current, retired } = await codecs();
    try {
      return await current.verify(token, AUDIENCE);
    } catch (error) {
      for (const codec of retired) {
        try {
          return await codec.verify(token, AUDIENCE);
        } catch {
          // Not this key either; the current key's error is the one that counts.
        }
      }
      throw error;
    }
  };

  /** After a retired key opened `sealed`, seals its plaintext under the current key. */
  const reseal = async (userId: U['id'], sealed: string, plain: string): Promise<void> => {
    const fresh = await (await keys()).current.seal(plain, String(userId));
    // A false answer means the secret changed meanwhile (disabled, re-enrolled): nothing to do.
    await store.replaceSecret(userId, sealed, fresh);
  };

  const failed = async (
    reason: MfaFailureReason,
    step: 'login' | 'enable' | 'disable',
    user: U | null,
    request: PortcullisRequest,
  ): Promise<void> => {
    await manager.onMfaFailed(
      { reason, step, user, address: deps.clientAddress(request) },
      request,
    );
  };

  /** A TOTP code of the enabled secret (not replayed) or an unused recovery code, consumed. */
  const consumeCode = async (user: U, code: string): Promise<boolean> => {
    const record = await store.get(user.id);
    if (record?.totp_secret == null) return false;
    const ring = await keys();
    if (/^\d{6}$/.test(code)) {
      const opened = await openWithKeyring(ring, record.totp_secret, String(user.id));
      const secret = opened === null ? null : base32Decode(opened.plain);
      if (opened === null || secret === null) return false;
      const step = await matchTotp(secret, code, Date.now());
      // RFC 6238 §5.2: a code is accepted once; the compare-and-set refuses its step again.
      if (step === null || !(await store.advanceStep(user.id, step))) return false;
      if (opened.stale) await reseal(user.id, record.totp_secret, opened.plain);
      return true;
    }
    const normal = normalizeRecoveryCode(code);
    if (normal === null) return false;
    // Codes handed out under a retired key keep their digest under it: each key is tried.
    for (const k of ring.all) {
      if (await store.consumeRecoveryCode(user.id, await k.recoveryDigest(normal))) return true;
    }
    return false;
  };

  return Object.freeze({
    store,
    async required(user: U): Promise<boolean> {
      const record = await store.get(user.id);
      return record?.totp_secret != null;
    },

    async challenge(user: U, backend: string): Promise<PortcullisError> {
      const token = await (await codecs()).current.sign(
        { sub: String(user.id), aud: AUDIENCE, jti: randomToken(16), backend },
        MFA_TOKEN_LIFETIME,
      );
      return new PortcullisError(ErrorCode.LOGIN_MFA_REQUIRED, 'Second factor required', {
        detail: { code: ErrorCode.LOGIN_MFA_REQUIRED, mfa_token: token },
      });
    },

    async redeem(
      token: string,
      code: string,
      backend: string,
      request: PortcullisRequest,
    ): Promise<U> {
      let claims: Readonly<Record<string, unknown>>;
      try {
        claims = await verifyToken(token);
      } catch (error) {
        if (!isTokenError(error)) throw error;
        await failed('bad_token', 'login', null, request);
        throw badToken();
      }
      const { sub, jti, exp } = claims;
      const user = typeof sub === 'string' ? await manager.findById(sub) : null;
      if (
        typeof jti !== 'string' ||
        typeof exp !== 'number' ||
        claims.backend !== backend ||
        !user?.is_active
      ) {
        await failed('bad_token', 'login', user, request);
        throw badToken();
      }
      const expiresAt = new Date(exp * 1000);
      if (!(await store.countTokenAttempt(jti, MFA_TOKEN_ATTEMPTS, expiresAt))) {
        await failed('too_many_attempts', 'login', user, request);
        throw badToken();
      }
      // After the token's own count, so a token still answers exactly five times.
      const tooMany = await countPerUser(
        store,
        'login',
        user.id,
        LOGIN_ATTEMPTS_PER_USER,
        LOGIN_WINDOW_MS,
      );
      if (tooMany) {
        await failed('too_many_attempts', 'login', user, request);
        throw tooMany;
      }
      if (!(await consumeCode(user, code))) {
        await failed('bad_code', 'login', user, request);
        throw badCode();
      }
      if (!(await store.spendToken(jti, expiresAt))) {
        await failed('bad_token', 'login', user, request);
        throw badToken();
      }
      return user;
    },

    async setup(user: U): Promise<{ secret: string; otpauth_uri: string }> {
      const record = await store.get(user.id);
      if (record?.totp_secret != null) {
        throw new PortcullisError(ErrorCode.MFA_ALREADY_ENABLED, 'TOTP is already enabled');
      }
      // 160 bits, the HMAC-SHA-1 output size RFC 4226 §4 recommends (R6).
      const secret = base32Encode(crypto.getRandomValues(new Uint8Array(20)));
      const sealed = await (await keys()).current.seal(secret, String(user.id));
      await store.setPendingSecret(user.id, sealed);
      return { secret, otpauth_uri: otpauthUri(secret, user.email, issuer) };
    },

    async enable(user: U, code: string, request: PortcullisRequest): Promise<string[]> {
      const record = await store.get(user.id);
      if (record?.totp_secret != null) {
        throw new PortcullisError(ErrorCode.MFA_ALREADY_ENABLED, 'TOTP is already enabled');
      }
      const pending = record?.pending_secret ?? null;
      const ring = await keys();
      const opened =
        pending === null ? null : await openWithKeyring(ring, pending, String(user.id));
      const secret = opened === null ? null : base32Decode(opened.plain);
      const step = secret === null ? null : await matchTotp(secret, code, Date.now());
      if (pending === null || step === null) {
        await failed('bad_code', 'enable', user, request);
        throw badCode();
      }
      const codes = generateRecoveryCodes();
      const digests = await Promise.all(
        codes.map((c) => ring.current.recoveryDigest(normalizeRecoveryCode(c) ?? c)),
      );
      // The enrolment code's step becomes the last one used: it cannot log in afterwards.
      const applied = await store.enable(user.id, pending, {
        recoveryCodeDigests: digests,
        lastStep: step,
        at: new Date(),
      });
      if (!applied) {
        // A concurrent enable won, or a new setup replaced the secret this code belongs to.
        const now = await store.get(user.id);
        if (now?.totp_secret != null) {
          throw new PortcullisError(ErrorCode.MFA_ALREADY_ENABLED, 'TOTP is already enabled');
        }
        await failed('bad_code', 'enable', user, request);
        throw badCode();
      }
      if (opened?.stale && pending !== null) await reseal(user.id, pending, opened.plain);
      await manager.onMfaEnabled(
        { user, method: 'totp', address: deps.clientAddress(request) },
        request,
      );
      return codes;
    },

    async disable(user: U, code: string, request: PortcullisRequest): Promise<void> {
      const tooMany = await countPerUser(
        store,
        'disable',
        user.id,
        DISABLE_ATTEMPTS,
        DISABLE_WINDOW_MS,
      );
      if (tooMany) {
        await failed('too_many_attempts', 'disable', user, request);
        throw tooMany;
      }
      if (!(await consumeCode(user, code))) {
        await failed('bad_code', 'disable', user, request);
        throw badCode();
      }
      if (await store.disable(user.id)) {
        await manager.onMfaDisabled(
          { user, method: 'totp', address: deps.clientAddress(request) },
          request,
        );
      }
    },
  });
}
