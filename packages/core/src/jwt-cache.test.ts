import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PortcullisError } from './errors';
import { createJwtCodec, isTokenError } from './jwt';

// The verified-token cache of createJwtCodec (issue 7): what it may skip, and what it never may.

const SECRET = 'cache-test-secret-cache-test-secret';
const AUD = 'portcullis:auth';

async function rejection(promise: Promise<unknown>): Promise<PortcullisError> {
  try {
    await promise;
  } catch (error) {
    expect(isTokenError(error)).toBe(true);
    return error as PortcullisError;
  }
  throw new Error('expected a rejection');
}

/**
 * Counts signature checks, wherever they happen: node:crypto's HMAC (the synchronous path for
 * HS* on Node) or Web Crypto's verify (jose's path).
 */
function countSignatureChecks(): { readonly calls: number } {
  const nodeCrypto = process.getBuiltinModule('node:crypto');
  const hmac = vi.spyOn(nodeCrypto, 'createHmac');
  const subtle = vi.spyOn(crypto.subtle, 'verify');
  return {
    get calls() {
      return hmac.mock.calls.length + subtle.mock.calls.length;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('verified-token cache', () => {
  it('checks the signature of a token once, then answers from memory', async () => {
    const codec = createJwtCodec({ secret: SECRET });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    const checks = countSignatureChecks();
    const first = await codec.verify(token, AUD);
    const again = await codec.verify(token, [AUD]);
    expect(again).toEqual(first);
    expect(again.sub).toBe('42');
    expect(checks.calls).toBe(1);
  });

  it('refuses a cached token once its exp has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const codec = createJwtCodec({ secret: SECRET });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    expect((await codec.verify(token, AUD)).sub).toBe('42');
    vi.setSystemTime(new Date('2030-01-01T00:00:59Z'));
    expect((await codec.verify(token, AUD)).sub).toBe('42');
    vi.setSystemTime(new Date('2030-01-01T00:01:00Z'));
    expect((await rejection(codec.verify(token, AUD))).code).toBe('TOKEN_EXPIRED');
    // Still expired afterwards, whether answered from memory or checked afresh.
    expect((await rejection(codec.verify(token, AUD))).code).toBe('TOKEN_EXPIRED');
  });

  it('refuses a cached token for another audience, and still accepts it for its own', async () => {
    const codec = createJwtCodec({ secret: SECRET });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    await codec.verify(token, AUD);
    const checks = countSignatureChecks();
    expect((await rejection(codec.verify(token, 'portcullis:reset'))).code).toBe('TOKEN_INVALID');
    expect((await rejection(codec.verify(token, []))).code).toBe('TOKEN_INVALID');
    expect((await codec.verify(token, ['portcullis:reset', AUD])).sub).toBe('42');
    expect(checks.calls).toBe(0);
  });

  it('gives the fresh answer for a token both expired and of another audience', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const cached = createJwtCodec({ secret: SECRET });
    const fresh = createJwtCodec({ secret: SECRET, verifiedTokenCacheSize: 0 });
    const token = await cached.sign({ sub: '42', aud: [AUD] }, 60);
    await cached.verify(token, AUD);
    vi.setSystemTime(new Date('2030-01-01T00:05:00Z'));
    const fromMemory = await rejection(cached.verify(token, 'other'));
    const checkedAfresh = await rejection(fresh.verify(token, 'other'));
    expect(fromMemory.code).toBe(checkedAfresh.code);
    expect(fromMemory.message).toBe(checkedAfresh.message);
  });

  it('is keyed by the whole token: another signature on the same claims is checked', async () => {
    const codec = createJwtCodec({ secret: SECRET });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    await codec.verify(token, AUD);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    expect((await rejection(codec.verify(forged, AUD))).code).toBe('TOKEN_INVALID');
    // The remembered token's signature on other claims: the cache finds it by that signature's
    // tail, and must still check it, since the whole token differs.
    const altered = `${header}.${Buffer.from('{"sub":"1","aud":["portcullis:auth"]}').toString('base64url')}.${token.split('.')[2]}`;
    expect((await rejection(codec.verify(altered, AUD))).code).toBe('TOKEN_INVALID');
    const other = createJwtCodec({ secret: 'another-secret-another-secret-1234' });
    const foreign = await other.sign({ sub: '42', aud: [AUD] }, 60);
    expect((await rejection(codec.verify(foreign, AUD))).code).toBe('TOKEN_INVALID');
  });

  it('never remembers a refusal: a bad token is checked every time', async () => {
    const codec = createJwtCodec({ secret: SECRET });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    const tampered = `${token.slice(0, -2)}AA`;
    const checks = countSignatureChecks();
    await rejection(codec.verify(tampered, AUD));
    const perAttempt = checks.calls;
    expect(perAttempt).toBeGreaterThan(0);
    for (let i = 0; i < 2; i++) await rejection(codec.verify(tampered, AUD));
    expect(checks.calls).toBe(3 * perAttempt);
  });

  it('does not remember a token whose iat is in the future', async () => {
    const codec = createJwtCodec({ secret: SECRET });
    const token = await codec.sign({ aud: AUD, iat: Math.floor(Date.now() / 1000) + 600 }, 60);
    const checks = countSignatureChecks();
    await rejection(codec.verify(token, AUD));
    await rejection(codec.verify(token, AUD));
    expect(checks.calls).toBe(2);
  });

  it('stays within its size, dropping the oldest token first', async () => {
    const codec = createJwtCodec({ secret: SECRET, verifiedTokenCacheSize: 2 });
    const tokens = await Promise.all(
      ['a', 'b', 'c'].map((sub) => codec.sign({ sub, aud: [AUD] }, 60)),
    );
    const checks = countSignatureChecks();
    for (const token of tokens) await codec.verify(token, AUD);
    expect(checks.calls).toBe(3);
    const [a, b, c] = tokens as [string, string, string];
    await codec.verify(c, AUD);
    await codec.verify(b, AUD);
    expect(checks.calls).toBe(3);
    // `a` was pushed out by `c`: checked again, and correct again.
    expect((await codec.verify(a, AUD)).sub).toBe('a');
    expect(checks.calls).toBe(4);
  });

  it('can be turned off with verifiedTokenCacheSize: 0', async () => {
    const codec = createJwtCodec({ secret: SECRET, verifiedTokenCacheSize: 0 });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    const checks = countSignatureChecks();
    for (let i = 0; i < 3; i++) expect((await codec.verify(token, AUD)).sub).toBe('42');
    expect(checks.calls).toBe(3);
  });

  it('hands out frozen claims, so no caller can change what the next one reads', async () => {
    const codec = createJwtCodec({ secret: SECRET });
    const token = await codec.sign({ sub: '42', aud: [AUD], extra: { role: 'x' } }, 60);
    const claims = await codec.verify(token, AUD);
    expect(Object.isFrozen(claims)).toBe(true);
    expect(() => {
      (claims as Record<string, unknown>).sub = '1';
    }).toThrow(TypeError);
    expect(() => (claims.aud as string[]).push('other')).toThrow(TypeError);
    expect(await codec.verify(token, AUD)).toEqual({
      sub: '42',
      aud: [AUD],
      extra: { role: 'x' },
      exp: claims.exp,
    });
  });

  it('refuses a size that is not a whole number >= 0', () => {
    for (const size of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createJwtCodec({ secret: SECRET, verifiedTokenCacheSize: size })).toThrow(
        TypeError,
      );
    }
  });
});
