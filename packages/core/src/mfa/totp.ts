/**
 * TOTP (RFC 6238) over HOTP (RFC 4226), on Web Crypto only so core runs on any Fetch runtime.
 * Portcullis issues SHA-1, 6 digits, 30-second steps: the parameters every authenticator app
 * reads from an `otpauth://` URI without asking (see docs/mfa.md).
 */

import { timingSafeEqual } from '../random';

/** The time step in seconds (RFC 6238 §4.1, X). */
export const TOTP_PERIOD_SECONDS = 30;

/** Digits of a code. */
export const TOTP_DIGITS = 6;

/** The hash of HOTP's HMAC; RFC 6238 Appendix B also gives vectors for SHA-256 and SHA-512. */
export type TotpHash = 'SHA-1' | 'SHA-256' | 'SHA-512';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Bytes as RFC 4648 §6 base32 without padding, the form `otpauth://` URIs carry. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** RFC 4648 base32 back to bytes (case-insensitive, padding and spaces ignored); null if malformed. */
export function base32Decode(text: string): Uint8Array | null {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32.indexOf(char);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 255);
    }
    buffer &= (1 << bits) - 1;
  }
  return new Uint8Array(out);
}

/** The time step a Unix-millisecond instant falls in (RFC 6238 §4.2, T0 = 0). */
export function totpStep(nowMs: number, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(nowMs / 1000 / period);
}

/**
 * The HOTP value of `secret` at `counter` (RFC 4226 §5.3: HMAC, dynamic truncation, modulo
 * 10^digits), left-padded with zeros.
 */
export async function hotp(
  secret: Uint8Array,
  counter: number,
  options: { digits?: number; hash?: TotpHash } = {},
): Promise<string> {
  const digits = options.digits ?? TOTP_DIGITS;
  const key = await crypto.subtle.importKey(
    'raw',
    secret as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: options.hash ?? 'SHA-1' },
    false,
    ['sign'],
  );
  // The counter is an 8-byte big-endian integer; steps fit well inside 2^53.
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 2 ** 32));
  message.setUint32(4, counter >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message.buffer));
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The `otpauth://totp/` URI an authenticator app scans (Google Authenticator's Key Uri
 * Format): `issuer:account` as the label, the issuer again as a parameter, the secret in base32.
 */
export function otpauthUri(secret: string, account: string, issuer: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString().replace(/\+/g, '%20')}`;
}

/**
 * The time step whose code `code` is, looking one step either side of now (RFC 6238 §5.2
 * allows for clock drift and transmission delay), or null. Every candidate is computed and
 * compared in full, so timing does not tell which step matched. Replay is the caller's concern.
 */
export async function matchTotp(
  secret: Uint8Array,
  code: string,
  nowMs: number,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpStep(nowMs);
  let matched: number | null = null;
  for (const step of [current - 1, current, current + 1]) {
    const expected = await hotp(secret, step);
    if (timingSafeEqual(expected, code) && matched === null) matched = step;
  }
  return matched;
}
