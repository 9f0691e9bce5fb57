import { describe, expect, it } from 'vitest';
import { randomToken, timingSafeEqual } from './random';

describe('randomToken', () => {
  it('encodes 32 random bytes as 43 base64url characters without padding', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('encodes the requested number of bytes', () => {
    expect(randomToken(1)).toMatch(/^[A-Za-z0-9_-]{2}$/);
    expect(randomToken(3)).toMatch(/^[A-Za-z0-9_-]{4}$/);
    expect(randomToken(64)).toHaveLength(86);
    expect(randomToken(65_536)).toHaveLength(87_382);
  });

  it('uses the whole base64url alphabet, never "+", "/" or "="', () => {
    const joined = Array.from({ length: 200 }, () => randomToken()).join('');
    expect(joined).not.toMatch(/[+/=]/);
    expect(new Set(joined).size).toBe(64);
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(tokens.size).toBe(1000);
  });

  it('rejects sizes Web Crypto cannot serve', () => {
    for (const bytes of [0, -1, 1.5, 65_537, Number.NaN]) {
      expect(() => randomToken(bytes)).toThrow(RangeError);
    }
  });
});

describe('timingSafeEqual', () => {
  it('accepts equal strings', () => {
    expect(timingSafeEqual('', '')).toBe(true);
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('pässwörd🔑', 'pässwörd🔑')).toBe(true);
  });

  it('rejects strings that differ in content', () => {
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('xbc', 'abc')).toBe(false);
  });

  it('rejects a prefix, in either order', () => {
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual('abcd', 'abc')).toBe(false);
    expect(timingSafeEqual('', 'a')).toBe(false);
  });

  it('compares UTF-8 bytes, not UTF-16 code units', () => {
    // Same UTF-16 length (1), different UTF-8 bytes.
    expect(timingSafeEqual('é', 'e')).toBe(false);
    // A trailing NUL byte is a difference, not padding.
    expect(timingSafeEqual('a', 'a\u0000')).toBe(false);
  });
});
