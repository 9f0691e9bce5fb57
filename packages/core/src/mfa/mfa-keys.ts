import { hex } from '../internal/hex';
import { base64url } from '../random';

/**
 * The keys derived from `mfa.encryptionKey` (HKDF-SHA-256, RFC 5869, one `info` per use), so one
 * configured secret serves three purposes without one use weakening another: AES-256-GCM for
 * TOTP secrets at rest, HMAC-SHA-256 for recovery-code digests, HS256 for `mfa_token`s.
 */
export interface MfaKeys {
  /** Encrypts a TOTP secret for one user: `v1.<iv>.<ciphertext+tag>` in base64url. */
  seal(plaintext: string, userId: string): Promise<string>;
  /** The plaintext, or null when the box was not sealed for this user with this key. */
  open(box: string, userId: string): Promise<string | null>;
  /** The stored digest of a recovery code (already normalised). */
  recoveryDigest(code: string): Promise<string>;
  /** The HS256 key of `mfa_token`s. */
  readonly tokenKey: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const binary = atob(padded + '='.repeat((4 - (padded.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    // A length no base64 has (4n + 1): a damaged value, not a reason for a 500.
    return null;
  }
}

async function derive(master: CryptoKey, info: string): Promise<Uint8Array> {
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(info) },
    master,
    256,
  );
  return new Uint8Array(bits);
}

/** Derives the three keys once; `secret` has been checked to hold at least 32 bytes. */
export async function deriveMfaKeys(secret: string | Uint8Array): Promise<MfaKeys> {
  const raw = typeof secret === 'string' ? encoder.encode(secret) : secret;
  const master = await crypto.subtle.importKey(
    'raw',
    raw as Uint8Array<ArrayBuffer>,
    'HKDF',
    false,
    ['deriveBits'],
  );
  const aes = await crypto.subtle.importKey(
    'raw',
    (await derive(master, 'portcullis mfa totp-secret aes-256-gcm')) as Uint8Array<ArrayBuffer>,
    { name: 'AES-GCM' },
    false,
    ['encrypt', 'decrypt'],
  );
  const mac = await crypto.subtle.importKey(
    'raw',
    (await derive(master, 'portcullis mfa recovery-code hmac')) as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const tokenKey = await derive(master, 'portcullis mfa token hs256');

  return Object.freeze({
    tokenKey,
    async seal(plaintext: string, userId: string): Promise<string> {
      // A 96-bit random IV (NIST SP 800-38D §8.2.2); the user id as additional data binds the
      // box to its row, so a secret copied to another user's row does not open.
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(userId) },
        aes,
        encoder.encode(plaintext),
      );
      return `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
    },
    async open(box: string, userId: string): Promise<string | null> {
      const [version, ivText, bodyText] = box.split('.');
      if (version !== 'v1' || ivText === undefined || bodyText === undefined) return null;
      const iv = fromBase64url(ivText);
      const body = fromBase64url(bodyText);
      if (iv === null || body === null || iv.length !== 12) return null;
      try {
        const plain = await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: iv as Uint8Array<ArrayBuffer>,
            additionalData: encoder.encode(userId),
          },
          aes,
          body as Uint8Array<ArrayBuffer>,
        );
        return decoder.decode(plain);
      } catch {
        return null;
      }
    },
    async recoveryDigest(code: string): Promise<string> {
      const digest = await crypto.subtle.sign('HMAC', mac, encoder.encode(code));
      return hex(new Uint8Array(digest));
    },
  });
}

/**
 * The current keys, which seal, digest and sign everything new, and the retired ones, which
 * still open, match and verify what was made with them (docs/mfa.md#rotating-the-key).
 */
export interface MfaKeyring {
  readonly current: MfaKeys;
  readonly retired: readonly MfaKeys[];
  /** The current keys first, then the retired ones in the order they were configured. */
  readonly all: readonly MfaKeys[];
}

/** Derives the keys of the current secret and of every retired one, once. */
export async function deriveMfaKeyring(
  current: string | Uint8Array,
  retired: readonly (string | Uint8Array)[] = [],
): Promise<MfaKeyring> {
  const all = await Promise.all([current, ...retired].map((secret) => deriveMfaKeys(secret)));
  const [first, ...rest] = all as [MfaKeys, ...MfaKeys[]];
  return Object.freeze({ current: first, retired: rest, all });
}

/**
 * Opens a box with the first key that opens it: the plaintext, and whether a retired key did
 * (so the caller seals it again under the current one); null when no key opens it.
 */
export async function openWithKeyring(
  ring: MfaKeyring,
  box: string,
  userId: string,
): Promise<{ plain: string; stale: boolean } | null> {
  for (const keys of ring.all) {
    const plain = await keys.open(box, userId);
    if (plain !== null) return { plain, stale: keys !== ring.current };
  }
  return null;
}
