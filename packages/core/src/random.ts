/**
 * Randomness and comparison helpers on Web Crypto only, so core runs on any Fetch runtime
 * (no `node:` module outside `src/node/`: see docs/contract/decisions.md#core-has-no-node-imports).
 */

const encoder = new TextEncoder();

/** `crypto.getRandomValues` throws QuotaExceededError above 65 536 bytes per call (W3C Web Crypto API). */
const MAX_RANDOM_BYTES = 65_536;

/**
 * Encodes bytes as base64url without padding (RFC 4648 §5), the alphabet of FastAPI Users'
 * `secrets.token_urlsafe` (see docs/contract/behaviour.md#tokens).
 */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  // A loop, not `String.fromCharCode(...bytes)`: spreading a large array overflows the stack.
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A cryptographically random token: `bytes` random bytes as base64url without padding.
 * 32 bytes give 43 characters, the size of FastAPI Users' opaque tokens, CSRF tokens and
 * generated passwords (see docs/contract/behaviour.md#tokens).
 *
 * @param bytes - Number of random bytes (1 to 65 536); defaults to 32.
 * @throws RangeError when `bytes` is not an integer in that range.
 *
 * @example
 * ```ts
 * const token = randomToken(); // 'k3J…' (43 characters)
 * ```
 */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_RANDOM_BYTES) {
    throw new RangeError(`randomToken: bytes must be an integer from 1 to ${MAX_RANDOM_BYTES}`);
  }
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Compares two strings without an early exit on the first differing byte, so the time taken
 * does not reveal how much of a secret an attacker has guessed. The strings are compared as
 * UTF-8 bytes; a length difference makes the result false but the loop still runs over the
 * longer input. JavaScript engines give no hard constant-time guarantee: this is the usual
 * best effort (no data-dependent branches).
 *
 * @example
 * ```ts
 * if (!timingSafeEqual(providedCsrfToken, expectedCsrfToken)) throw new Error('CSRF mismatch');
 * ```
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.max(x.length, y.length);
  // Lengths are not secret; folding their difference in keeps a single exit point.
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}
