import { describe, expect, test } from 'vitest';
import { randomToken } from '../random';
import type { SessionRecord, SessionStore } from '../types';
import {
  clipUserAgent,
  tokenKeyNow,
  tokenKeyOf,
  touchSession,
  webCryptoTokenKey,
} from './session-data';

describe('tokenKeyOf', () => {
  test("Node's synchronous SHA-256 and Web Crypto's give the same key for every token", async () => {
    const tokens = ['', 'a', 'ünïcödé-🗝️', ...Array.from({ length: 50 }, () => randomToken())];
    for (const token of tokens) {
      const key = await tokenKeyOf(token, 'hashed');
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).toBe(await webCryptoTokenKey(token));
    }
    // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
    expect(await tokenKeyOf('abc', 'hashed')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  test("'plain' keeps the token as it is", async () => {
    expect(await tokenKeyOf('as-is', 'plain')).toBe('as-is');
  });

  test('tokenKeyNow gives the same key without waiting, on Node', async () => {
    const token = randomToken();
    expect(tokenKeyNow(token, 'hashed')).toBe(await webCryptoTokenKey(token));
    expect(tokenKeyNow(token, 'plain')).toBe(token);
  });
});

describe('touchSession', () => {
  const touches: [string, Date][] = [];
  const written = Promise.resolve();
  const store = {
    touch: (id: string, at: Date) => {
      touches.push([id, at]);
      return written;
    },
  } as unknown as SessionStore;
  const usedAgo = (ms: number) =>
    ({ id: 's1', last_used_at: new Date(Date.now() - ms) }) as SessionRecord;

  test('null, no write and nothing to wait for, within a minute of the last use', () => {
    expect(touchSession(store, usedAgo(59_000))).toBeNull();
    expect(touches).toHaveLength(0);
  });

  test("after a minute, the store's own write to wait for", () => {
    expect(touchSession(store, usedAgo(61_000))).toBe(written);
    expect(touches.map(([id]) => id)).toEqual(['s1']);
  });
});

describe('clipUserAgent', () => {
  test('keeps at most 512 characters and never splits a surrogate pair', () => {
    expect(clipUserAgent(null)).toBeNull();
    expect(clipUserAgent('x'.repeat(512))).toHaveLength(512);
    expect(clipUserAgent('x'.repeat(600))).toHaveLength(512);
    const emoji = clipUserAgent('🗝️'.repeat(400)) ?? '';
    expect(Array.from(emoji)).toHaveLength(512);
    expect(emoji.endsWith('\uD83D')).toBe(false);
  });
});
