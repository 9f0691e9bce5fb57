import { webCryptoSha256 } from '../internal/node-sha256';
import { base64url } from '../random';

const encoder = new TextEncoder();

/**
 * The S256 code challenge of a verifier: base64url(SHA-256(ASCII(verifier))) (RFC 7636 §4.2).
 *
 * @example
 * ```ts
 * // RFC 7636 Appendix B
 * await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
 * // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 * ```
 */
export async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(await webCryptoSha256(verifier));
}

/**
 * Derives a request's PKCE code verifier from its CSRF token, keyed by the state secret.
 *
 * Why derived and not stored: the state token travels in URLs (it is signed, not encrypted), so
 * a verifier inside it would reach whoever intercepts the authorization response — the very
 * attacker PKCE stops (RFC 7636 §1). The CSRF token lives in an HttpOnly cookie; without the
 * secret, neither it nor the state reveals the verifier. No extra cookie or storage is needed.
 * The result is 43 base64url characters, the shortest verifier RFC 7636 §4.1 allows.
 *
 * @example
 * ```ts
 * const derive = createPkceDeriver(stateSecret);
 * const verifier = await derive(csrfToken); // same token, same verifier
 * ```
 */
export function createPkceDeriver(
  secret: string | Uint8Array,
): (csrfToken: string) => Promise<string> {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : new Uint8Array(secret);
  let key: Promise<CryptoKey> | undefined;
  return async (csrfToken) => {
    key ??= crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    // A label keeps this MAC apart from any other use of the same secret.
    const mac = await crypto.subtle.sign('HMAC', await key, encoder.encode(`pkce:${csrfToken}`));
    return base64url(new Uint8Array(mac));
  };
}
