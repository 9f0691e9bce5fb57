import type { MfaStore } from '@portcullis/core';
import { expect } from 'vitest';
import { defineStoreCase, type StoreCaseContext } from './store-case';

// MfaStore cases: enrolment's compare-and-set, the TOTP replay guard, single-use recovery codes
// and the MFA token's attempt counter, each with a race that must have the exact count of
// winners. Secrets here are opaque strings: core seals them before a store sees them.

function mfaOf(context: StoreCaseContext): MfaStore {
  if (!context.mfa) throw new Error('the MFA store was not created');
  return context.mfa;
}

const digests = (tag: string, n = 10): string[] =>
  Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(2, '0')}`.padEnd(64, 'a'));

/** A user with TOTP enabled: sealed secret `s-<tag>`, last step 100, ten recovery digests. */
async function enabledUser(c: StoreCaseContext, tag = c.token().slice(-8)) {
  const mfa = mfaOf(c);
  const user = await c.newUser();
  await mfa.setPendingSecret(user.id, `s-${tag}`);
  const codes = digests(tag);
  const at = new Date(Math.floor(Date.now() / 1000) * 1000);
  expect(
    await mfa.enable(user.id, `s-${tag}`, { recoveryCodeDigests: codes, lastStep: 100, at }),
  ).toBe(true);
  return { mfa, user, codes, at, secret: `s-${tag}` };
}

export const mfaCases = [
  defineStoreCase(
    'STORE-MFA-001',
    'has no record for a new user; a pending secret makes one that is not enabled',
    async (c) => {
      const mfa = mfaOf(c);
      const user = await c.newUser();
      expect(await mfa.get(user.id)).toBeNull();
      await mfa.setPendingSecret(user.id, 'v1.pending');
      expect(await mfa.get(user.id)).toMatchObject({
        totp_secret: null,
        pending_secret: 'v1.pending',
        enabled_at: null,
        last_step: null,
        recovery_codes_left: 0,
      });
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-002',
    'a new pending secret replaces the old one, and enable applies only to the current one',
    async (c) => {
      const mfa = mfaOf(c);
      const user = await c.newUser();
      await mfa.setPendingSecret(user.id, 'v1.first');
      await mfa.setPendingSecret(user.id, 'v1.second');
      const at = new Date(Math.floor(Date.now() / 1000) * 1000);
      const data = { recoveryCodeDigests: digests('r'), lastStep: 57_000_000, at };
      expect(await mfa.enable(user.id, 'v1.first', data)).toBe(false);
      expect(await mfa.enable(user.id, 'v1.second', data)).toBe(true);
      const record = await mfa.get(user.id);
      expect(record).toMatchObject({
        totp_secret: 'v1.second',
        pending_secret: null,
        last_step: 57_000_000,
        recovery_codes_left: 10,
      });
      expect(record?.enabled_at?.getTime()).toBe(at.getTime());
      expect(String(record?.user_id)).toBe(String(user.id));
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-003',
    'enable is refused once enabled; a later pending secret leaves the enabled one alone',
    async (c) => {
      const { mfa, user, secret, at } = await enabledUser(c);
      await mfa.setPendingSecret(user.id, 'v1.later');
      expect(
        await mfa.enable(user.id, 'v1.later', { recoveryCodeDigests: [], lastStep: 200, at }),
      ).toBe(false);
      expect(await mfa.get(user.id)).toMatchObject({ totp_secret: secret, last_step: 100 });
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-004',
    'of concurrent enables of one pending secret exactly one applies',
    async (c) => {
      const mfa = mfaOf(c);
      const user = await c.newUser();
      await mfa.setPendingSecret(user.id, 'v1.race');
      const results = await Promise.all(
        Array.from({ length: c.concurrency }, (_, i) =>
          mfa.enable(user.id, 'v1.race', {
            recoveryCodeDigests: digests(`e${i}`),
            lastStep: 10 + i,
            at: new Date(),
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await mfa.get(user.id))?.recovery_codes_left).toBe(10);
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-005',
    'advanceStep moves only forward, and only while TOTP is enabled',
    async (c) => {
      const { mfa, user } = await enabledUser(c);
      expect(await mfa.advanceStep(user.id, 100)).toBe(false);
      expect(await mfa.advanceStep(user.id, 99)).toBe(false);
      expect(await mfa.advanceStep(user.id, 101)).toBe(true);
      expect(await mfa.advanceStep(user.id, 101)).toBe(false);
      expect((await mfa.get(user.id))?.last_step).toBe(101);
      const pendingOnly = await c.newUser();
      await mfa.setPendingSecret(pendingOnly.id, 'v1.pending');
      expect(await mfa.advanceStep(pendingOnly.id, 5)).toBe(false);
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-006',
    'of concurrent advances to one step exactly one wins',
    async (c) => {
      const { mfa, user } = await enabledUser(c);
      const results = await Promise.all(
        Array.from({ length: c.concurrency }, () => mfa.advanceStep(user.id, 102)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-007',
    'a recovery code is consumed once, only for its user; concurrent uses have one winner',
    async (c) => {
      const { mfa, user, codes } = await enabledUser(c);
      const other = await enabledUser(c);
      const [first, second] = codes as [string, string];
      expect(await mfa.consumeRecoveryCode(other.user.id, first)).toBe(false);
      expect(await mfa.consumeRecoveryCode(user.id, first)).toBe(true);
      expect(await mfa.consumeRecoveryCode(user.id, first)).toBe(false);
      expect(await mfa.consumeRecoveryCode(user.id, 'f'.repeat(64))).toBe(false);
      const results = await Promise.all(
        Array.from({ length: c.concurrency }, () => mfa.consumeRecoveryCode(user.id, second)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await mfa.get(user.id))?.recovery_codes_left).toBe(8);
      expect((await mfa.get(other.user.id))?.recovery_codes_left).toBe(10);
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-008',
    'disable removes the factor, the pending secret and every recovery code',
    async (c) => {
      const { mfa, user, codes } = await enabledUser(c);
      await mfa.setPendingSecret(user.id, 'v1.pending');
      expect(await mfa.disable(user.id)).toBe(true);
      const after = await mfa.get(user.id);
      expect(after?.totp_secret ?? null).toBeNull();
      expect(after?.pending_secret ?? null).toBeNull();
      expect(after?.recovery_codes_left ?? 0).toBe(0);
      expect(await mfa.consumeRecoveryCode(user.id, codes[1] as string)).toBe(false);
      expect(await mfa.advanceStep(user.id, 500)).toBe(false);
      expect(await mfa.disable(user.id)).toBe(false);
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-009',
    'an MFA token counts exactly `limit` attempts under concurrency, per token',
    async (c) => {
      const mfa = mfaOf(c);
      const id = c.token();
      const expires = new Date(Date.now() + 300_000);
      const results = await Promise.all(
        Array.from({ length: Math.max(20, c.concurrency) }, () =>
          mfa.countTokenAttempt(id, 5, expires),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(5);
      expect(await mfa.countTokenAttempt(id, 5, expires)).toBe(false);
      expect(await mfa.countTokenAttempt(c.token(), 5, expires)).toBe(true);
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-010',
    'an MFA token is spent once under concurrency, and a spent token counts no attempt',
    async (c) => {
      const mfa = mfaOf(c);
      const id = c.token();
      const expires = new Date(Date.now() + 300_000);
      expect(await mfa.countTokenAttempt(id, 5, expires)).toBe(true);
      const results = await Promise.all(
        Array.from({ length: c.concurrency }, () => mfa.spendToken(id, expires)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await mfa.countTokenAttempt(id, 5, expires)).toBe(false);
    },
    'mfa',
  ),
  defineStoreCase(
    'STORE-MFA-011',
    'replaceSecret swaps the enabled secret only while it is the one named, once under concurrency',
    async (c) => {
      const { mfa, user, secret } = await enabledUser(c);
      expect(await mfa.replaceSecret(user.id, 'v1.not-the-secret', 'v1.other')).toBe(false);
      expect((await mfa.get(user.id))?.totp_secret).toBe(secret);
      const results = await Promise.all(
        Array.from({ length: c.concurrency }, (_, i) =>
          mfa.replaceSecret(user.id, secret, `v1.resealed-${i}`),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      const after = await mfa.get(user.id);
      expect(after).toMatchObject({ totp_secret: `v1.resealed-${winner}`, last_step: 100 });
      expect(after?.recovery_codes_left).toBe(10);
      // Only an enabled secret is replaced: a pending one, or a user without a factor, is not.
      const pending = await c.newUser();
      await mfa.setPendingSecret(pending.id, 'v1.pending');
      expect(await mfa.replaceSecret(pending.id, 'v1.pending', 'v1.other')).toBe(false);
      expect((await mfa.get(pending.id))?.pending_secret).toBe('v1.pending');
      const none = await c.newUser();
      expect(await mfa.replaceSecret(none.id, secret, 'v1.other')).toBe(false);
    },
    'mfa',
  ),
];
