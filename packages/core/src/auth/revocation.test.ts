import { describe, expect, test } from 'vitest';
import { createTokenId, tokenIdIssuedAt } from './revocation';

describe('token ids (UUIDv7)', () => {
  test('are RFC 9562 version-7 UUIDs carrying the issue time in milliseconds', () => {
    const at = 1_700_000_123_456;
    const jti = createTokenId(at);
    expect(jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tokenIdIssuedAt(jti)).toBe(at);
    expect(jti.replaceAll('-', '').slice(0, 12)).toBe(at.toString(16).padStart(12, '0'));
  });

  test('default to the current time', () => {
    const before = Date.now();
    const issued = tokenIdIssuedAt(createTokenId());
    expect(issued).toBeGreaterThanOrEqual(before);
    expect(issued).toBeLessThanOrEqual(Date.now());
  });

  test('differ even when issued in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createTokenId(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  test('anything but a lower-case UUIDv7 has no issue time', () => {
    const v4 = '9b2e6a4c-1f3d-4e5a-8b7c-6d5e4f3a2b1c';
    const upper = createTokenId().toUpperCase();
    for (const value of [v4, upper, 'not-a-uuid', '', 42, null, undefined, { $ne: null }]) {
      expect(tokenIdIssuedAt(value)).toBeNull();
    }
  });
});
