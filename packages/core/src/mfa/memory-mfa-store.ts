import type { MfaRecord, MfaStore, UserId } from '../types';

interface Row {
  totp_secret: string | null;
  pending_secret: string | null;
  enabled_at: Date | null;
  last_step: number | null;
  codes: Set<string>;
}

/**
 * An `MfaStore` in process memory: for tests, and for a single process that accepts losing
 * every second factor on restart (which is to say, not for production). Each method runs
 * without an `await` between its read and its write, so it is atomic on Node's one thread.
 *
 * @example
 * ```ts
 * const portcullis = createPortcullis({
 *   userManager,
 *   backends: [jwtBackend],
 *   mfa: { store: createMemoryMfaStore(), encryptionKey: process.env.MFA_KEY ?? '' },
 * });
 * ```
 */
export function createMemoryMfaStore(): MfaStore {
  const rows = new Map<string, Row>();
  const tokens = new Map<string, { attempts: number; spent: boolean; expiresAt: number }>();
  const key = (userId: UserId): string => String(userId);

  const sweep = (now: number): void => {
    for (const [id, entry] of tokens) if (entry.expiresAt <= now) tokens.delete(id);
  };
  const token = (id: string, expiresAt: Date) => {
    const now = Date.now();
    if (tokens.size > 1000) sweep(now);
    let entry = tokens.get(id);
    if (!entry) {
      entry = { attempts: 0, spent: false, expiresAt: expiresAt.getTime() };
      tokens.set(id, entry);
    }
    return entry;
  };

  return Object.freeze({
    async get(userId: UserId): Promise<MfaRecord | null> {
      const row = rows.get(key(userId));
      if (!row) return null;
      const { codes, ...rest } = row;
      return { user_id: userId, ...rest, recovery_codes_left: codes.size };
    },
    async setPendingSecret(userId: UserId, sealedSecret: string): Promise<void> {
      const row = rows.get(key(userId));
      if (row) row.pending_secret = sealedSecret;
      else {
        rows.set(key(userId), {
          totp_secret: null,
          pending_secret: sealedSecret,
          enabled_at: null,
          last_step: null,
          codes: new Set(),
        });
      }
    },
    async enable(
      userId: UserId,
      pendingSecret: string,
      data: { recoveryCodeDigests: readonly string[]; lastStep: number; at: Date },
    ): Promise<boolean> {
      const row = rows.get(key(userId));
      if (!row || row.totp_secret !== null || row.pending_secret !== pendingSecret) return false;
      row.totp_secret = pendingSecret;
      row.pending_secret = null;
      row.enabled_at = data.at;
      row.last_step = data.lastStep;
      row.codes = new Set(data.recoveryCodeDigests);
      return true;
    },
    async disable(userId: UserId): Promise<boolean> {
      const row = rows.get(key(userId));
      rows.delete(key(userId));
      return row?.totp_secret != null;
    },
    async advanceStep(userId: UserId, step: number): Promise<boolean> {
      const row = rows.get(key(userId));
      if (!row || row.totp_secret === null) return false;
      if (row.last_step !== null && row.last_step >= step) return false;
      row.last_step = step;
      return true;
    },
    async consumeRecoveryCode(userId: UserId, digest: string): Promise<boolean> {
      const row = rows.get(key(userId));
      return row?.codes.delete(digest) ?? false;
    },
    async countTokenAttempt(tokenId: string, limit: number, expiresAt: Date): Promise<boolean> {
      const entry = token(tokenId, expiresAt);
      if (entry.spent || entry.attempts >= limit) return false;
      entry.attempts += 1;
      return true;
    },
    async spendToken(tokenId: string, expiresAt: Date): Promise<boolean> {
      const entry = token(tokenId, expiresAt);
      if (entry.spent) return false;
      entry.spent = true;
      return true;
    },
    async replaceSecret(
      userId: UserId,
      sealedSecret: string,
      newSealedSecret: string,
    ): Promise<boolean> {
      const row = rows.get(key(userId));
      if (!row || row.totp_secret !== sealedSecret) return false;
      row.totp_secret = newSealedSecret;
      return true;
    },
  });
}
