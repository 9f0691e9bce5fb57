import type { WebAuthnCeremonies } from '@portcullis/core';
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';

export interface RelyingParty {
  origin: string;
  rpId: string;
  rpName: string;
}

const encoder = new TextEncoder();

/** Algorithms accepted: ES256, EdDSA, RS256 (what platform authenticators offer). */
const ALGORITHMS = [-7, -8, -257];

/**
 * The four ceremonies on @simplewebauthn/server. Each verify throws when the response does not
 * verify; the routes turn any throw into 400 PASSKEY_BAD_RESPONSE.
 */
export function createCeremonies(rp: RelyingParty): WebAuthnCeremonies {
  return {
    async registrationOptions({ userHandle, userName, exclude }) {
      return generateRegistrationOptions({
        rpName: rp.rpName,
        rpID: rp.rpId,
        userName,
        // A stable handle: registering the same authenticator again replaces its passkey
        // there instead of leaving two. It is the user's id, never the email.
        userID: encoder.encode(userHandle),
        attestationType: 'none',
        excludeCredentials: exclude.map((passkey) => ({
          id: passkey.credential_id,
          transports: passkey.transports as AuthenticatorTransportFuture[],
        })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        supportedAlgorithmIDs: ALGORITHMS,
      });
    },
    async verifyRegistration({ response, challenge }) {
      const result = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: true,
        supportedAlgorithmIDs: ALGORITHMS,
      });
      if (!result.verified) throw new Error('registration did not verify');
      const { credential } = result.registrationInfo;
      return {
        credentialId: credential.id,
        publicKey: credential.publicKey,
        counter: credential.counter,
        transports: credential.transports ?? [],
      };
    },
    async authenticationOptions() {
      // No allowCredentials: the browser offers the passkeys it holds for this RP
      // (discoverable credentials), so the login needs no email first.
      return generateAuthenticationOptions({ rpID: rp.rpId, userVerification: 'required' });
    },
    async verifyAuthentication({ response, challenge, credential }) {
      const result = await verifyAuthenticationResponse({
        response: response as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: true,
        credential: {
          id: credential.credential_id,
          publicKey: new Uint8Array(credential.public_key),
          counter: credential.counter,
          transports: credential.transports as AuthenticatorTransportFuture[],
        },
      });
      if (!result.verified) throw new Error('authentication did not verify');
      return { counter: result.authenticationInfo.newCounter };
    },
  };
}
