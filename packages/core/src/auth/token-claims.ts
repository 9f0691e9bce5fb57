import { isTokenError, type JwtCodec } from '../jwt';

/**
 * A strategy's reading of a token, without a promise where none is needed: its claims, null for
 * a bad or expired token (no user), or undefined when the codec must wait: then
 * `verifiedClaims`. Each async layer on a guarded request costs about a thousand instructions
 * (docs/performance.md). Any other error (a broken key) is thrown.
 */
export function claimsNow(
  codec: JwtCodec,
  token: string,
  audience: readonly string[],
): Readonly<Record<string, unknown>> | null | undefined {
  try {
    return codec.verifySync?.(token, audience);
  } catch (error) {
    if (isTokenError(error)) return null;
    throw error;
  }
}

/** A token's claims, or null for a bad or expired one; other errors (a broken key) reject. */
export async function verifiedClaims(
  codec: JwtCodec,
  token: string,
  audience: readonly string[],
): Promise<Readonly<Record<string, unknown>> | null> {
  try {
    return await codec.verify(token, audience);
  } catch (error) {
    if (isTokenError(error)) return null;
    throw error;
  }
}
