import { PortcullisConfigError } from '../errors';
import { type KeyKind, keyKindOfCryptoKey, keyKindOfPem } from './key-kind';

// Start-up checks shared by createPortcullis, the UserManager and the strategy factories
// (docs/reliability-http.md, "Configuration checked at start-up"). Each throws a
// PortcullisConfigError whose path is relative to the options object it was given; callers
// further out prefix it (`within`). No message ever shows a value that may be a secret.

/** A value's kind for an error message (`a number`, `undefined`), never the value itself. */
export function kindOf(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** A number shown as is (never a secret); anything else by its kind. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : kindOf(value);
}

/** The methods every implementation of each contract must have (all required). */
export const CONTRACTS = {
  UserStore: [
    'get',
    'getByEmail',
    'getByOAuthAccount',
    'create',
    'update',
    'delete',
    'addOAuthAccount',
    'updateOAuthAccount',
    'parseId',
  ],
  AccessTokenStore: ['getByToken', 'create', 'delete', 'deleteAllForUser'],
  SessionStore: [
    'create',
    'get',
    'getByTokenKey',
    'listForUser',
    'touch',
    'advanceRefresh',
    'delete',
    'deleteAllForUser',
  ],
  TokenRevocationStore: ['revoke', 'isRevoked', 'revokeAllForUser', 'revokedBefore'],
  PasswordHasher: ['hash', 'verify', 'needsRehash', 'generate'],
  Strategy: ['readToken', 'writeToken', 'destroyToken'],
  Transport: ['readToken', 'loginResponse', 'logoutResponse'],
  Logger: ['error', 'warn', 'info'],
  MfaStore: [
    'get',
    'setPendingSecret',
    'enable',
    'disable',
    'advanceStep',
    'consumeRecoveryCode',
    'countTokenAttempt',
    'spendToken',
    'replaceSecret',
  ],
} as const;

/**
 * `value` implements `contract`: an object with every one of its methods. A store missing one
 * would otherwise pass start-up and fail the first request that needs it with a 500.
 */
export function checkContract(
  path: string,
  value: unknown,
  contract: keyof typeof CONTRACTS,
): void {
  const methods = CONTRACTS[contract];
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw new PortcullisConfigError(path, `must be a ${contract} (got ${kindOf(value)})`);
  }
  if (value === null) throw new PortcullisConfigError(path, `must be a ${contract} (got null)`);
  for (const method of methods) {
    const member = (value as Record<string, unknown>)[method];
    if (typeof member !== 'function') {
      throw new PortcullisConfigError(
        `${path}.${method}`,
        `must be a function: a ${contract} implements ${methods.join(', ')} (got ${kindOf(member)})`,
      );
    }
  }
}

/**
 * A lifetime in seconds: a positive finite number; `null` (no expiry) only where the option
 * allows it, `undefined` only where it has a default.
 */
export function checkLifetime(
  path: string,
  value: unknown,
  allow: { null?: boolean; undefined?: boolean },
): void {
  if (value === undefined && allow.undefined) return;
  if (value === null && allow.null) return;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return;
  const orNull = allow.null ? ', or null for no expiry' : '';
  throw new PortcullisConfigError(
    path,
    `must be a positive number of seconds${orNull} (got ${shown(value)})`,
  );
}

/** Node's timers hold at most 2^31 - 1 ms; a longer delay fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/** A size or a duration: a positive whole number (durations fit a timer). */
export function checkPositiveInteger(path: string, value: unknown, unit: 'bytes' | 'ms'): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value > 0 &&
    (unit !== 'ms' || value <= MAX_TIMER_MS);
  if (!ok) {
    const limit = unit === 'ms' ? ` up to ${MAX_TIMER_MS}` : '';
    throw new PortcullisConfigError(
      path,
      `must be a whole number of ${unit} above 0${limit} (got ${shown(value)})`,
    );
  }
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return Object.prototype.toString.call(value) === '[object CryptoKey]';
}

/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
const HMAC_MIN_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

const KEY_KINDS: Readonly<Record<string, readonly KeyKind[]>> = {
  RS256: ['RSA'],
  RS384: ['RSA'],
  RS512: ['RSA'],
  ES256: ['EC P-256'],
  ES384: ['EC P-384'],
  ES512: ['EC P-521'],
  EdDSA: ['Ed25519', 'Ed448'],
};

const ALGORITHMS = [...Object.keys(HMAC_MIN_BYTES), ...Object.keys(KEY_KINDS)];

const encoder = new TextEncoder();

/** The secret of an HS* algorithm: a string or bytes of the hash's length at least, or an HMAC key. */
export function checkHmacSecret(path: string, secret: unknown, algorithm = 'HS256'): void {
  const min = HMAC_MIN_BYTES[algorithm] ?? 32;
  let bytes: number;
  if (secret === undefined || secret === null || secret === '') {
    throw new PortcullisConfigError(path, `is required (got ${kindOf(secret)})`);
  }
  if (isCryptoKey(secret)) {
    const { name, length } = secret.algorithm as { name: string; length?: number };
    if (secret.type !== 'secret' || name !== 'HMAC') {
      throw new PortcullisConfigError(
        path,
        `must be an HMAC key for ${algorithm} (got a ${secret.type} ${name} key)`,
      );
    }
    bytes = Math.floor((length ?? 0) / 8);
  } else if (typeof secret === 'string') {
    if (secret.includes('-----BEGIN')) {
      // A public key used as an HMAC secret is the classic algorithm-confusion setup.
      throw new PortcullisConfigError(
        path,
        `is a PEM key, but ${algorithm} needs a shared secret (set \`algorithm\` to sign with a key pair)`,
      );
    }
    bytes = encoder.encode(secret).byteLength;
  } else if (ArrayBuffer.isView(secret)) {
    bytes = secret.byteLength;
  } else {
    throw new PortcullisConfigError(
      path,
      `must be a string, bytes or an HMAC CryptoKey (got ${kindOf(secret)})`,
    );
  }
  if (bytes < min) {
    throw new PortcullisConfigError(
      path,
      `must be at least ${min} bytes for ${algorithm} (got ${bytes})`,
    );
  }
}

function checkKeyKind(path: string, kind: KeyKind, algorithm: string): void {
  const expected = KEY_KINDS[algorithm] ?? [];
  if (expected.includes(kind)) return;
  // Every kind's name starts with a vowel sound: "an RSA key", "an EC P-256 key".
  const got = kind === 'unknown' ? 'a key that could not be read' : `an ${kind} key`;
  throw new PortcullisConfigError(
    path,
    `must be an ${expected.join(' or ')} key for ${algorithm} (got ${got})`,
  );
}

const PEM_PRIVATE = '-----BEGIN PRIVATE KEY-----';
const PEM_PUBLIC = '-----BEGIN PUBLIC KEY-----';

/** The private key (`secret`) and the optional `publicKey` of an RS*, ES* or EdDSA algorithm. */
function checkKeyPair(
  prefix: string,
  algorithm: string,
  secret: unknown,
  publicKey: unknown,
): void {
  const at = (name: string): string => (prefix ? `${prefix}.${name}` : name);
  if (secret === undefined || secret === null || secret === '') {
    throw new PortcullisConfigError(at('secret'), `is required (got ${kindOf(secret)})`);
  }
  if (typeof secret === 'string') {
    if (secret.includes(PEM_PUBLIC)) {
      throw new PortcullisConfigError(
        at('secret'),
        `is a public key; ${algorithm} signs with the private key (a PKCS#8 PEM)`,
      );
    }
    if (!secret.includes(PEM_PRIVATE)) {
      throw new PortcullisConfigError(
        at('secret'),
        `must be a PKCS#8 PEM (${PEM_PRIVATE}) for ${algorithm}; convert other PEM files with \`openssl pkcs8 -topk8 -nocrypt\``,
      );
    }
    checkKeyKind(at('secret'), keyKindOfPem(secret, 'private'), algorithm);
  } else if (isCryptoKey(secret)) {
    if (secret.type !== 'private') {
      throw new PortcullisConfigError(
        at('secret'),
        `must be a private key for ${algorithm} (got a ${secret.type} key)`,
      );
    }
    checkKeyKind(at('secret'), keyKindOfCryptoKey(secret), algorithm);
  } else {
    throw new PortcullisConfigError(
      at('secret'),
      `must be a PKCS#8 PEM or a private CryptoKey for ${algorithm} (got ${kindOf(secret)})`,
    );
  }
  if (publicKey === undefined) {
    if (isCryptoKey(secret) && !secret.extractable) {
      throw new PortcullisConfigError(
        at('publicKey'),
        'is required when the private CryptoKey is not extractable',
      );
    }
    return;
  }
  if (typeof publicKey === 'string') {
    if (!publicKey.includes(PEM_PUBLIC)) {
      throw new PortcullisConfigError(at('publicKey'), `must be an SPKI PEM (${PEM_PUBLIC})`);
    }
    checkKeyKind(at('publicKey'), keyKindOfPem(publicKey, 'public'), algorithm);
  } else if (isCryptoKey(publicKey)) {
    if (publicKey.type !== 'public') {
      throw new PortcullisConfigError(
        at('publicKey'),
        `must be a public key (got a ${publicKey.type} key)`,
      );
    }
    checkKeyKind(at('publicKey'), keyKindOfCryptoKey(publicKey), algorithm);
  } else {
    throw new PortcullisConfigError(
      at('publicKey'),
      `must be an SPKI PEM or a public CryptoKey (got ${kindOf(publicKey)})`,
    );
  }
}

/**
 * The signing options of a JWT strategy: a known algorithm, and keys that fit it (HS*: a
 * shared secret of the hash's length; RS*, ES* and EdDSA: a private key of the right type and curve,
 * and a matching public key if given). `prefix` is prepended to the option names.
 */
export function checkJwtSigning(
  prefix: string,
  options: { algorithm?: unknown; secret?: unknown; publicKey?: unknown },
): void {
  const at = (name: string): string => (prefix ? `${prefix}.${name}` : name);
  const algorithm = options.algorithm ?? 'HS256';
  if (typeof algorithm !== 'string' || !ALGORITHMS.includes(algorithm)) {
    const got = typeof algorithm === 'string' ? JSON.stringify(algorithm) : kindOf(algorithm);
    throw new PortcullisConfigError(
      at('algorithm'),
      `must be one of ${ALGORITHMS.join(', ')} (got ${got})`,
    );
  }
  if (HMAC_MIN_BYTES[algorithm] !== undefined) {
    checkHmacSecret(at('secret'), options.secret, algorithm);
    if (options.publicKey !== undefined) {
      throw new PortcullisConfigError(
        at('publicKey'),
        `is only used with asymmetric algorithms (not ${algorithm})`,
      );
    }
    return;
  }
  checkKeyPair(prefix, algorithm, options.secret, options.publicKey);
}
