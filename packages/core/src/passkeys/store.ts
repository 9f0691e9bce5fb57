import type { UserId } from '../types';

/**
 * A passkey (a WebAuthn credential) registered by a user (docs/mfa.md#passkeys). `id` is the
 * public handle the API shows and deletes by; `credential_id` is the authenticator's own id
 * (base64url), unique across users.
 */
export interface PasskeyCredential {
  id: string;
  user_id: UserId;
  /** The WebAuthn credential id, base64url. */
  credential_id: string;
  /** The COSE public key the authenticator registered. */
  public_key: Uint8Array;
  /** The signature counter last seen (0 for authenticators that do not count). */
  counter: number;
  /** Transports the browser reported (`internal`, `usb`, `hybrid`…), passed back as hints. */
  transports: string[];
  /** A label the user chose (at most 100 characters). */
  name: string;
  created_at: Date;
  /** Null until the first login with it. */
  last_used_at: Date | null;
}

/** What the routes hand a store to save a new passkey; the store sets `created_at`. */
export type PasskeyCreateData = Omit<PasskeyCredential, 'created_at' | 'last_used_at'>;

/**
 * A WebAuthn challenge waiting for its answer. Stored under `key`, the SHA-256 hex of the
 * random handle in the client's challenge cookie, never under the handle itself.
 */
export interface PasskeyChallenge {
  key: string;
  /** The challenge as the options carried it (base64url). */
  challenge: string;
  /** `register` binds a user; `login` binds none. */
  purpose: 'register' | 'login';
  user_id: UserId | null;
  expires_at: Date;
}

/**
 * Storage for passkeys and their pending challenges. `takeChallenge` is the single-use step:
 * of concurrent calls for one key exactly one gets the challenge, and an expired challenge is
 * never returned.
 */
export interface PasskeyStore {
  /** Saves a passkey. A `credential_id` already stored (for any user) throws USER_ALREADY_EXISTS. */
  create(data: PasskeyCreateData): Promise<PasskeyCredential>;
  /** The user's passkeys, oldest first. */
  listForUser(userId: UserId): Promise<PasskeyCredential[]>;
  /** The passkey with this WebAuthn credential id, or null. */
  getByCredentialId(credentialId: string): Promise<PasskeyCredential | null>;
  /** Records a login: the new signature counter and `last_used_at`; a no-op when it is gone. */
  recordUse(id: string, counter: number, at: Date): Promise<void>;
  /** Deletes the user's passkey `id`; false when there is none (or it is another user's). */
  delete(id: string, userId: UserId): Promise<boolean>;
  /** Saves a pending challenge. */
  putChallenge(challenge: PasskeyChallenge): Promise<void>;
  /** Removes and returns the live challenge stored under `key`, or null; atomic. */
  takeChallenge(key: string): Promise<PasskeyChallenge | null>;
}
