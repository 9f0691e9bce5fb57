import type { JWTPayload } from 'jose';
import * as base64url from 'jose/base64url';
import { decodeProtectedHeader } from 'jose/decode/protected_header';
import { UnsecuredJWT } from 'jose/jwt/unsecured';
import { timingSafeEqual } from '../random';

/**
 * Checks an HS* token with a synchronous HMAC instead of Web Crypto (see ./sync-hmac.ts), for
 * the common shape only: a compact JWS of base64url segments whose header pins our algorithm
 * and has no `crit` or `b64`. Anything else, including a signature that does not match, is
 * left to jose (`undefined`), so odd or bad tokens get exactly jose's verdict and error.
 *
 * A token whose signature matches has its claims validated by jose's own rules (the ones
 * `jwtVerify` applies: JSON object, `aud`, `exp`, `nbf`, numeric `iat`), by handing the payload
 * segment to `UnsecuredJWT.decode`: the claim checks are jose's, not a copy of them.
 */
export type HmacVerifier = (token: string, audience: string | string[]) => JWTPayload | undefined;

/** One compact segment: base64url characters only (jose refuses non-ASCII signing input). */
const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** base64url of `{"alg":"none"}`: the header `UnsecuredJWT.decode` requires. */
const NONE_HEADER = 'eyJhbGciOiJub25lIn0';
/** Header segments seen with a valid signature: a codec writes one; a few old ones may linger. */
const KNOWN_HEADERS = 8;

export function createHmacVerifier(
  algorithm: string,
  hmac: (input: string) => string,
): HmacVerifier {
  const knownHeaders = new Set<string>();

  const plainHeader = (token: string): boolean => {
    try {
      const header = decodeProtectedHeader(token);
      return header.alg === algorithm && !('crit' in header) && !('b64' in header);
    } catch {
      return false;
    }
  };

  return (token, audience) => {
    if (typeof token !== 'string') return undefined;
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first < 0 || second < 0 || token.includes('.', second + 1)) return undefined;
    const header = token.slice(0, first);
    const payload = token.slice(first + 1, second);
    const signature = token.slice(second + 1);
    if (!SEGMENT.test(header) || !SEGMENT.test(payload) || !SEGMENT.test(signature)) {
      return undefined;
    }
    const known = knownHeaders.has(header);
    if (!known && !plainHeader(token)) return undefined;
    // The digest is canonical base64url; a token encoding the same bytes otherwise goes to jose.
    if (!timingSafeEqual(hmac(`${header}.${payload}`), signature)) return undefined;
    if (!known && knownHeaders.size < KNOWN_HEADERS) knownHeaders.add(header);
    return UnsecuredJWT.decode(`${NONE_HEADER}.${payload}.`, { audience }).payload;
  };
}

/**
 * Signs claims as jose's `SignJWT` does with the header `{ alg, typ: 'JWT' }` (same bytes: the
 * header and the JSON of a structured clone of the claims, base64url-encoded), with the
 * synchronous HMAC. At login this keeps the token's HMAC off the thread pool, where it would
 * wait behind the argon2 job of every other login in flight.
 */
export function createHmacSigner(
  algorithm: string,
  hmac: (input: string) => string,
): (claims: JWTPayload) => string {
  const header = base64url.encode(JSON.stringify({ alg: algorithm, typ: 'JWT' }));
  return (claims) => {
    // jose clones first, so a value JSON cannot hold fails here as it fails there. Plain JSON
    // data (what the strategies sign) serialises the same without the clone, which on Node 20
    // costs a MessageChannel per call.
    const data = isPlainData(claims, 0) ? claims : structuredClone(claims);
    const input = `${header}.${base64url.encode(JSON.stringify(data))}`;
    return `${input}.${hmac(input)}`;
  };
}

/** Deeper than claims ever nest: past it, the clone decides. */
const PLAIN_DEPTH = 8;

/**
 * Strings, finite or not numbers, booleans, null, arrays and `Object.prototype` objects of
 * them: values that `JSON.stringify` writes exactly as it writes their structured clone.
 */
function isPlainData(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object': {
      if (depth >= PLAIN_DEPTH) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainData(value[i], depth + 1)) return false;
        }
        return Object.keys(value).length === value.length;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const key of Object.keys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (!descriptor || !('value' in descriptor)) return false;
        if (!isPlainData(descriptor.value, depth + 1)) return false;
      }
      return Object.getOwnPropertySymbols(value).length === 0;
    }
    default:
      return false;
  }
}
