import { base64url, timingSafeEqual } from '../random';

/**
 * Refresh tokens are `<session id>.<generation>.<mac>`, the MAC an HMAC-SHA256 of the first two
 * parts under the refresh secret. Nothing secret is stored: the session keeps only its current
 * generation, and the token of any generation can be recomputed, so a client that lost a race
 * gets the very same successor as the winner (docs/sessions.md).
 */
export interface RefreshTokenCodec {
  mint(sessionId: string, generation: number): Promise<string>;
  /** The session id and generation of a well-formed token with a valid MAC, else null. */
  parse(token: string): Promise<{ sessionId: string; generation: number } | null>;
}

const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;
const GENERATION = /^(0|[1-9][0-9]{0,14})$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;
const encoder = new TextEncoder();

/** Domain separation: the MAC of a refresh token is never the MAC of anything else. */
const LABEL = 'portcullis-refresh-token:';

export function createRefreshTokenCodec(secret: string | Uint8Array): RefreshTokenCodec {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret;
  let key: Promise<CryptoKey> | undefined;
  const mac = async (sessionId: string, generation: number): Promise<string> => {
    key ??= crypto.subtle.importKey(
      'raw',
      bytes as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const message = encoder.encode(`${LABEL}${sessionId}.${generation}`);
    return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await key, message)));
  };
  return {
    async mint(sessionId, generation) {
      return `${sessionId}.${generation}.${await mac(sessionId, generation)}`;
    },
    async parse(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return null;
      const [sessionId = '', generationText = '', presented = ''] = parts;
      if (!SESSION_ID.test(sessionId) || !GENERATION.test(generationText) || !MAC.test(presented))
        return null;
      const generation = Number(generationText);
      const expected = await mac(sessionId, generation);
      return timingSafeEqual(expected, presented) ? { sessionId, generation } : null;
    },
  };
}
