import { describe, expect, it } from 'vitest';
import { acceptsAudience, VerifiedTokenCache } from './verified-token-cache';

const claims = (n: number): Record<string, unknown> => ({ sub: String(n), aud: ['a'], exp: n });

describe('VerifiedTokenCache', () => {
  it('never holds more than its size, however many tokens pass through', () => {
    const cache = new VerifiedTokenCache(3);
    for (let i = 0; i < 1000; i++) cache.add(`t${i}`, claims(i));
    expect(cache.size).toBe(3);
    expect(['t997', 't998', 't999'].map((t) => cache.get(t)?.claims.sub)).toEqual([
      '997',
      '998',
      '999',
    ]);
    expect(cache.get('t996')).toBeUndefined();
  });

  it('drops the oldest first, and a token stored again keeps its place', () => {
    const cache = new VerifiedTokenCache(2);
    cache.add('a', claims(1));
    cache.add('b', claims(2));
    cache.add('a', claims(3));
    expect(cache.size).toBe(2);
    cache.add('c', claims(4));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.claims.sub).toBe('2');
    expect(cache.get('c')?.claims.sub).toBe('4');
  });

  it('stays bounded when entries are deleted early (expired tokens)', () => {
    const cache = new VerifiedTokenCache(2);
    for (let i = 0; i < 50; i++) {
      cache.add(`t${i}`, claims(i));
      if (i % 3 === 0) cache.delete(`t${i}`);
    }
    expect(cache.size).toBeLessThanOrEqual(2);
    expect(cache.get('t49')?.claims.sub).toBe('49');
  });

  it('answers only for the whole token, though it looks tokens up by their tail', () => {
    const cache = new VerifiedTokenCache(4);
    const tail = 's'.repeat(32);
    cache.add(`header.payload.${tail}`, claims(1));
    expect(cache.get(`header.payload.${tail}`)?.claims.sub).toBe('1');
    // Another token with the same signature tail: a miss, and deleting it leaves the first.
    expect(cache.get(`header.other.${tail}`)).toBeUndefined();
    cache.delete(`header.other.${tail}`);
    expect(cache.get(`header.payload.${tail}`)?.claims.sub).toBe('1');
    // Stored, it takes the slot over: one entry per tail, never two answers for one lookup.
    cache.add(`header.other.${tail}`, claims(2));
    expect(cache.size).toBe(1);
    expect(cache.get(`header.payload.${tail}`)).toBeUndefined();
    expect(cache.get(`header.other.${tail}`)?.claims.sub).toBe('2');
    cache.delete(`header.other.${tail}`);
    expect(cache.size).toBe(0);
  });

  it('stores nothing with size 0, yet freezes the claims it hands back', () => {
    const cache = new VerifiedTokenCache(0);
    const entry = cache.add('t', { aud: 'a', nested: { x: 1 } });
    expect(cache.size).toBe(0);
    expect(Object.isFrozen(entry.claims)).toBe(true);
    expect(Object.isFrozen(entry.claims.nested)).toBe(true);
    expect(entry.audiences).toEqual(['a']);
  });
});

describe('acceptsAudience', () => {
  it('accepts when any of the token’s audiences is accepted, as jose does', () => {
    expect(acceptsAudience(['a', 'b'], 'b')).toBe(true);
    expect(acceptsAudience(['a'], ['x', 'a'])).toBe(true);
    expect(acceptsAudience(['a'], ['x'])).toBe(false);
    expect(acceptsAudience(['a'], [])).toBe(false);
    expect(acceptsAudience([], 'a')).toBe(false);
  });
});
