import { createJwtCodec, isTokenError, type JwtCodec } from '../jwt';
import type { TokenSettings } from '../manager';

/** One purpose's tokens (reset, verify): its codec, lifetime and audience, fixed at start. */
export interface SignedToken {
  codec: JwtCodec;
  lifetime: number;
  audience: string;
}

export function signedToken(settings: TokenSettings, fallbackAudience: string): SignedToken {
  return {
    codec: createJwtCodec({ secret: settings.secret, algorithm: 'HS256' }),
    lifetime: settings.lifetimeSeconds ?? 3600,
    audience: settings.audience ?? fallbackAudience,
  };
}

/**
 * The claims of a token of this purpose; a token refused by the codec (forged, expired, another
 * audience) throws `bad()`, the route's own 400, and any other error passes through.
 */
export async function decodeSignedToken(
  settings: SignedToken,
  token: string,
  bad: () => Error,
): Promise<Record<string, unknown>> {
  try {
    return await settings.codec.verify(token, settings.audience);
  } catch (error) {
    if (isTokenError(error)) throw bad();
    throw error;
  }
}
