import type { PasskeyStore, Passkeys } from '@portcullis/core';
import { PortcullisError } from '@portcullis/core';
import { createCeremonies } from './ceremonies';

/**
 * Options of `createPasskeys()`.
 *
 * @example
 * ```ts
 * const options: PasskeysOptions = {
 *   origin: 'https://app.example',
 *   store: createMemoryPasskeyStore(),
 * };
 * ```
 */
export interface PasskeysOptions {
  /**
   * The page origin browsers run the ceremonies on (`https://app.example`); responses from any
   * other origin are refused. Browsers allow plain http only on `localhost`.
   */
  origin: string;
  /** The relying party id: the origin's host name by default (never an IP address). */
  rpId?: string;
  /** Shown by the browser's passkey prompt. Default: the RP id. */
  rpName?: string;
  /** Where passkeys and pending challenges live. */
  store: PasskeyStore;
  /** How long a challenge may be answered, in seconds. Default 300 (5 minutes). */
  challengeSeconds?: number;
  /** The challenge cookie's name. Default `portcullis_passkey`. */
  cookieName?: string;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Passkeys for Portcullis' routers: WebAuthn ceremonies on @simplewebauthn/server with
 * attestation `none`, user verification required (a passkey login stands for both factors),
 * and a challenge cookie marked `Secure` whenever the origin is https.
 *
 * @throws PortcullisError CONFIGURATION for an origin that is not a URL, an IP-address RP id,
 * or an RP id the origin's host does not belong to.
 *
 * @example
 * ```ts
 * import { createPasskeys } from '@portcullis/passkeys';
 * import { createMemoryPasskeyStore } from '@portcullis/core';
 *
 * const passkeys = createPasskeys({ origin: 'http://localhost:8000', store: createMemoryPasskeyStore() });
 * // mounts: ['/auth/passkey', portcullis.passkeyRegisterRouter(passkeys)],
 * //         ['/users', portcullis.userPasskeysRouter(passkeys)],
 * //         ['/auth/jwt', portcullis.passkeyLoginRouter(passkeys, 'jwt')]
 * ```
 */
export function createPasskeys(options: PasskeysOptions): Passkeys {
  let url: URL;
  try {
    url = new URL(options.origin);
  } catch (cause) {
    throw new PortcullisError('CONFIGURATION', 'passkeys: origin is not a URL', { cause });
  }
  const origin = url.origin;
  const rpId = options.rpId ?? url.hostname;
  if (IPV4.test(rpId) || rpId.includes(':') || rpId.startsWith('[')) {
    throw new PortcullisError('CONFIGURATION', 'passkeys: browsers refuse an IP address as RP id');
  }
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
    throw new PortcullisError('CONFIGURATION', 'passkeys: the origin is not within the RP id');
  }
  const challengeSeconds = options.challengeSeconds ?? 300;
  if (!Number.isInteger(challengeSeconds) || challengeSeconds < 1) {
    throw new PortcullisError(
      'CONFIGURATION',
      'passkeys: challengeSeconds must be a positive integer',
    );
  }
  return Object.freeze({
    ceremonies: createCeremonies({ origin, rpId, rpName: options.rpName ?? rpId }),
    store: options.store,
    challengeSeconds,
    cookie: Object.freeze({
      name: options.cookieName ?? 'portcullis_passkey',
      secure: url.protocol === 'https:',
    }),
  });
}
