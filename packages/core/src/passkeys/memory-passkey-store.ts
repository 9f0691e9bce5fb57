import { ErrorCode, PortcullisError } from '../errors';
import type { UserId } from '../types';
import type { PasskeyChallenge, PasskeyCreateData, PasskeyCredential, PasskeyStore } from './store';

const copy = (passkey: PasskeyCredential): PasskeyCredential => ({
  ...passkey,
  public_key: passkey.public_key.slice(),
  transports: [...passkey.transports],
});

/**
 * A passkey store in this process's memory: for tests and single-instance demos. Everything
 * is lost on restart, and instances do not share challenges.
 *
 * @example
 * ```ts
 * const store = createMemoryPasskeyStore();
 * ```
 */
export function createMemoryPasskeyStore(): PasskeyStore {
  const passkeys = new Map<string, PasskeyCredential>();
  const challenges = new Map<string, PasskeyChallenge>();
  const byCredential = (credentialId: string): PasskeyCredential | undefined => {
    for (const passkey of passkeys.values())
      if (passkey.credential_id === credentialId) return passkey;
    return undefined;
  };
  return {
    async create(data: PasskeyCreateData) {
      if (byCredential(data.credential_id)) {
        throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS, 'Passkey already registered');
      }
      const passkey = copy({ ...data, created_at: new Date(), last_used_at: null });
      passkeys.set(passkey.id, passkey);
      return copy(passkey);
    },
    async listForUser(userId: UserId) {
      return [...passkeys.values()]
        .filter((passkey) => String(passkey.user_id) === String(userId))
        .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
        .map(copy);
    },
    async getByCredentialId(credentialId: string) {
      const passkey = byCredential(credentialId);
      return passkey ? copy(passkey) : null;
    },
    async recordUse(id: string, counter: number, at: Date) {
      const passkey = passkeys.get(id);
      if (passkey) passkeys.set(id, { ...passkey, counter, last_used_at: at });
    },
    async delete(id: string, userId: UserId) {
      const passkey = passkeys.get(id);
      if (!passkey || String(passkey.user_id) !== String(userId)) return false;
      return passkeys.delete(id);
    },
    async putChallenge(challenge: PasskeyChallenge) {
      for (const [key, stale] of challenges) {
        if (stale.expires_at.getTime() <= Date.now()) challenges.delete(key);
      }
      challenges.set(challenge.key, { ...challenge });
    },
    async takeChallenge(key: string) {
      const challenge = challenges.get(key);
      // Map.delete is the single-use step: synchronous, so one caller alone sees it return true.
      if (!challenge || !challenges.delete(key)) return null;
      return challenge.expires_at.getTime() > Date.now() ? challenge : null;
    },
  };
}
