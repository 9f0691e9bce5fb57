import type { PasskeyCredential, PasskeyStore } from './store';

/** What a verified registration yields, to be stored. */
export interface VerifiedPasskey {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

/**
 * The WebAuthn ceremonies, described structurally so core carries no WebAuthn library:
 * `createPasskeys()` of `@portcullis/passkeys` implements them on @simplewebauthn/server.
 * Options are returned as the JSON the browser's `navigator.credentials` wants (through
 * `@simplewebauthn/browser`); every verify method throws on a response that does not verify.
 */
export interface WebAuthnCeremonies {
  registrationOptions(input: {
    /** A stable, non-identifying user handle (the user's id). */
    userHandle: string;
    userName: string;
    /** Passkeys the user already has: the authenticator refuses to register one twice. */
    exclude: readonly Pick<PasskeyCredential, 'credential_id' | 'transports'>[];
  }): Promise<{ challenge: string }>;
  verifyRegistration(input: { response: unknown; challenge: string }): Promise<VerifiedPasskey>;
  authenticationOptions(): Promise<{ challenge: string }>;
  verifyAuthentication(input: {
    response: unknown;
    challenge: string;
    credential: PasskeyCredential;
  }): Promise<{ counter: number }>;
}

/**
 * Passkeys as the routers use them: the ceremonies, the store and the challenge cookie.
 * Built by `createPasskeys()` of `@portcullis/passkeys`.
 *
 * @example
 * ```ts
 * import { createPasskeys } from '@portcullis/passkeys';
 * const passkeys = createPasskeys({ origin: 'https://app.example', store });
 * ```
 */
export interface Passkeys {
  readonly ceremonies: WebAuthnCeremonies;
  readonly store: PasskeyStore;
  /** How long a challenge lives, in seconds (default 300). */
  readonly challengeSeconds: number;
  /** The HttpOnly cookie that binds a challenge to the client it was issued to. */
  readonly cookie: { readonly name: string; readonly secure: boolean };
}
