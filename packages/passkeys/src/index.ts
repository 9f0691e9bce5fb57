// @portcullis/passkeys: the WebAuthn ceremonies behind Portcullis' passkey routers.
export { createPasskeys, type PasskeysOptions } from './create-passkeys';
