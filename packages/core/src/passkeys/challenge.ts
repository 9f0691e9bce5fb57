import { ErrorCode, PortcullisError } from '../errors';
import { readCookie, serializeCookie } from '../http/cookies';
import type { PortcullisRequest } from '../http/request';
import { hex } from '../internal/hex';
import { webCryptoSha256 } from '../internal/node-sha256';
import { randomToken } from '../random';
import type { UserId } from '../types';
import type { Passkeys } from './ceremonies';
import type { PasskeyChallenge } from './store';

const sha256Hex = async (text: string): Promise<string> => hex(await webCryptoSha256(text));

/** The 400 every failed ceremony answers: one code, whatever the reason (docs/mfa.md#passkeys). */
export function badResponse(cause?: unknown): PortcullisError {
  return new PortcullisError(
    ErrorCode.PASSKEY_BAD_RESPONSE,
    'The passkey response did not verify',
    cause === undefined ? {} : { cause },
  );
}

/**
 * Stores a new challenge and returns the `Set-Cookie` value that binds it to this client: the
 * cookie holds a random handle, the store only its SHA-256, so a store dump holds no handle.
 */
export async function issueChallenge(
  passkeys: Passkeys,
  challenge: string,
  purpose: PasskeyChallenge['purpose'],
  userId: UserId | null,
): Promise<string> {
  const handle = randomToken(32);
  await passkeys.store.putChallenge({
    key: await sha256Hex(handle),
    challenge,
    purpose,
    user_id: userId,
    expires_at: new Date(Date.now() + passkeys.challengeSeconds * 1000),
  });
  return serializeCookie(passkeys.cookie.name, handle, {
    httpOnly: true,
    maxAge: passkeys.challengeSeconds,
    path: '/',
    sameSite: 'strict',
    secure: passkeys.cookie.secure,
  });
}

/** The `Set-Cookie` value that clears the challenge cookie. */
export function clearChallengeCookie(passkeys: Passkeys): string {
  return serializeCookie(passkeys.cookie.name, '', {
    httpOnly: true,
    maxAge: 0,
    path: '/',
    sameSite: 'strict',
    secure: passkeys.cookie.secure,
  });
}

/**
 * Takes (single use) the challenge this client's cookie names, for `purpose` and, for a
 * registration, `userId`. Missing cookie, unknown, expired, used or mismatched: 400.
 */
export async function takeChallenge(
  passkeys: Passkeys,
  request: PortcullisRequest,
  purpose: PasskeyChallenge['purpose'],
  userId: UserId | null,
): Promise<string> {
  const handle = readCookie(request.header('cookie'), passkeys.cookie.name);
  if (handle === null) throw badResponse();
  const stored = await passkeys.store.takeChallenge(await sha256Hex(handle));
  if (stored === null || stored.purpose !== purpose) throw badResponse();
  if (purpose === 'register' && String(stored.user_id) !== String(userId)) throw badResponse();
  return stored.challenge;
}
