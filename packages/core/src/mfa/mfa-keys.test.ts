import { describe, expect, test } from 'vitest';
import { deriveMfaKeys } from './mfa-keys';
import {
  generateRecoveryCodes,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
} from './recovery-codes';

const KEY = 'an-mfa-encryption-key-of-32-bytes!!';

describe('sealing TOTP secrets (AES-256-GCM)', () => {
  test('opens what it sealed, for the same user only', async () => {
    const keys = await deriveMfaKeys(KEY);
    const box = await keys.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(box).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(box).not.toContain('JBSWY3DPEHPK3PXP');
    expect(await keys.open(box, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(await keys.open(box, 'user-2')).toBeNull();
  });

  test('a fresh IV each time: one secret never seals to the same box', async () => {
    const keys = await deriveMfaKeys(KEY);
    const a = await keys.seal('secret', 'u');
    const b = await keys.seal('secret', 'u');
    expect(a).not.toBe(b);
  });

  test('a tampered box, a malformed one or another key opens to null', async () => {
    const keys = await deriveMfaKeys(KEY);
    const box = await keys.seal('secret', 'u');
    // Flip one bit of every byte of the sealed part in turn: the last base64url character may
    // carry only padding bits, so changing characters would not always change the bytes.
    const parts = box.split('.');
    const sealed = Buffer.from(parts.at(-1) ?? '', 'base64url');
    for (const index of [0, Math.floor(sealed.length / 2), sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 1;
      const forged = [...parts.slice(0, -1), tampered.toString('base64url')].join('.');
      expect(await keys.open(forged, 'u')).toBeNull();
    }
    for (const bad of ['', 'v1', 'v2.a.b', 'v1.!!.b', 'v1.AAAA.AAAA']) {
      expect(await keys.open(bad, 'u')).toBeNull();
    }
    const other = await deriveMfaKeys(`${KEY}-rotated`);
    expect(await other.open(box, 'u')).toBeNull();
  });

  test('recovery digests are keyed: the same code digests differently under another key', async () => {
    const a = await deriveMfaKeys(KEY);
    const b = await deriveMfaKeys(new TextEncoder().encode(`${KEY}-other`));
    const digest = await a.recoveryDigest('abcd2345wxyz');
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await a.recoveryDigest('abcd2345wxyz')).toBe(digest);
    expect(await b.recoveryDigest('abcd2345wxyz')).not.toBe(digest);
  });

  test('the token key is none of the others and differs per encryption key', async () => {
    const a = await deriveMfaKeys(KEY);
    const b = await deriveMfaKeys(`${KEY}-other`);
    expect(a.tokenKey).toHaveLength(32);
    expect(Buffer.from(a.tokenKey).equals(Buffer.from(b.tokenKey))).toBe(false);
    expect(Buffer.from(a.tokenKey).toString()).not.toContain(KEY);
  });
});

describe('recovery codes', () => {
  test('ten distinct codes of 12 characters without look-alikes, grouped by four', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
      expect(normalizeRecoveryCode(code)).toBe(code.replace(/-/g, ''));
    }
  });

  test('typing is forgiving about case, dashes and spaces, and nothing else', () => {
    expect(normalizeRecoveryCode(' ABCD-2345 wxyz ')).toBe('abcd2345wxyz');
    for (const bad of [
      '',
      'abcd2345wxy',
      'abcd2345wxyz0',
      'abcd2345wxyi',
      'abcd-2345-wxyu',
      '123456',
    ]) {
      expect(normalizeRecoveryCode(bad)).toBeNull();
    }
  });
});
