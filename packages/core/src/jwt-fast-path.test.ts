import { base64url } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JwtAlgorithm, JwtCodec } from './jwt';
import { createJwtCodec, isTokenError } from './jwt';

// HS* tokens are checked with node:crypto's synchronous HMAC where the runtime has it (issue 7:
// Web Crypto is a thread-pool round trip per token). These tests hold that path to jose's
// answers, token for token.

const SECRET = 'fast-path-secret-fast-path-secret!';
const AUD = 'portcullis:auth';
const encoder = new TextEncoder();
const now = (): number => Math.floor(Date.now() / 1000);
const segment = (value: unknown): string => base64url.encode(JSON.stringify(value));

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A codec created where `process.getBuiltinModule` is missing: jose and Web Crypto only. */
function joseOnlyCodec(algorithm: JwtAlgorithm = 'HS256'): JwtCodec {
  const spy = vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
  try {
    return createJwtCodec({ secret: SECRET, algorithm, verifiedTokenCacheSize: 0 });
  } finally {
    spy.mockRestore();
  }
}

async function hmacToken(header: unknown, payload: unknown, hash = 'SHA-256'): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`;
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(SECRET),
    { name: 'HMAC', hash },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

type Outcome = { claims: unknown } | { kind: string; message: string };

async function outcome(codec: JwtCodec, token: string, audience: string | string[]) {
  try {
    return { claims: await codec.verify(token, audience) } as Outcome;
  } catch (error) {
    if (!isTokenError(error)) throw error;
    return { kind: error.code, message: error.message } as Outcome;
  }
}

describe('the synchronous HMAC path', () => {
  it('checks HS256, HS384 and HS512 tokens without Web Crypto', async () => {
    for (const algorithm of ['HS256', 'HS384', 'HS512'] as const) {
      const codec = createJwtCodec({ secret: SECRET, algorithm, verifiedTokenCacheSize: 0 });
      const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
      const subtle = vi.spyOn(crypto.subtle, 'verify');
      const hmac = vi.spyOn(process.getBuiltinModule('node:crypto'), 'createHmac');
      expect((await codec.verify(token, AUD)).sub).toBe('42');
      expect(hmac).toHaveBeenCalledTimes(1);
      expect(subtle).not.toHaveBeenCalled();
      vi.restoreAllMocks();
    }
  });

  it('falls back to Web Crypto where the runtime has no node:crypto, importing the key once', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const subtle = vi.spyOn(crypto.subtle, 'verify');
    const codec = joseOnlyCodec();
    for (let i = 0; i < 3; i++) {
      const token = await codec.sign({ sub: String(i), aud: [AUD] }, 60);
      expect((await codec.verify(token, AUD)).sub).toBe(String(i));
    }
    expect(subtle).toHaveBeenCalledTimes(3);
    expect(importKey).toHaveBeenCalledTimes(1);
  });

  it('signs byte for byte as jose does, without Web Crypto', async () => {
    // Both tokens of a pair get the same `exp`, whatever the clock does between them.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00.250Z'));
    const fast = createJwtCodec({ secret: SECRET });
    const jose = joseOnlyCodec();
    const subtle = vi.spyOn(crypto.subtle, 'sign');
    const claims = [
      { sub: '42', aud: ['portcullis:auth'] },
      { sub: 'é✓😀', aud: 'portcullis:reset', password_fgpt: 'abc', nested: { a: [1, null] } },
      { csrftoken: 'x', aud: 'portcullis:oauth-state', sub: undefined, at: new Date(0) },
      // Values whose JSON differs from their clone's would show here (plain data skips the clone).
      {
        aud: AUD,
        n: [Number.NaN, -0, Number.POSITIVE_INFINITY, 1e21],
        sparse: Object.assign([], { 0: 1, 2: 3 }),
      },
      {
        aud: AUD,
        get computed() {
          return 'read once';
        },
        deep: [[[[[[[[[['ten levels']]]]]]]]]],
        map: new Map([['k', 'v']]),
      },
      Object.assign(Object.create({ inherited: 1 }), { aud: AUD, own: true }),
    ];
    for (const claim of claims) {
      for (const lifetime of [null, 3600]) {
        expect(await fast.sign(claim, lifetime)).toBe(await jose.sign(claim, lifetime));
      }
    }
    // Only the jose-only codec used Web Crypto: 6 claims × 2 lifetimes.
    expect(subtle).toHaveBeenCalledTimes(12);
    await expect(fast.sign({ aud: AUD, f: () => 1 }, 60)).rejects.toThrow();
    await expect(jose.sign({ aud: AUD, f: () => 1 }, 60)).rejects.toThrow();
  });

  it('gives jose’s verdict and message for every token, valid or not', async () => {
    const fast = createJwtCodec({ secret: SECRET, verifiedTokenCacheSize: 0 });
    const jose = joseOnlyCodec();
    const hs256 = { alg: 'HS256', typ: 'JWT' };
    const valid = await hmacToken(hs256, { sub: '42', aud: [AUD], exp: now() + 60 });
    const [h, p, sig = ''] = valid.split('.');
    // The same signature bytes with the two unused bits of the last character set.
    const last = sig.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = `${sig.slice(0, -1)}${alphabet[alphabet.indexOf(last) | 3]}`;
    const tokens = [
      valid,
      await hmacToken(hs256, { sub: '42', aud: AUD }),
      await hmacToken({ alg: 'HS256' }, { sub: '42', aud: [AUD], kid: 'k1' }),
      await hmacToken(hs256, { sub: '42', aud: [AUD], exp: now() }),
      await hmacToken(hs256, { sub: '42', aud: [AUD], exp: now() - 5 }),
      await hmacToken(hs256, { sub: '42', aud: ['other'] }),
      await hmacToken(hs256, { sub: '42' }),
      await hmacToken(hs256, { sub: 42, aud: AUD }),
      await hmacToken(hs256, { aud: AUD, exp: 'tomorrow' }),
      await hmacToken(hs256, { aud: AUD, nbf: now() + 600 }),
      await hmacToken(hs256, { aud: AUD, iat: now() + 600 }),
      await hmacToken(hs256, { aud: AUD, iat: 'yesterday' }),
      await hmacToken(hs256, [1, 2]),
      await hmacToken(hs256, 'just a string'),
      await hmacToken({ ...hs256, crit: ['exp'] }, { aud: AUD }),
      await hmacToken({ ...hs256, b64: false, crit: ['b64'] }, { aud: AUD }),
      await hmacToken({ alg: 'HS512', typ: 'JWT' }, { aud: AUD }, 'SHA-512'),
      await hmacToken({ alg: 'none' }, { aud: AUD }),
      `${h}.${p}.${sameBytes}`,
      `${h}.${p}.${sig}=`,
      `${h}.${p}.${sig.slice(0, -2)}AA`,
      `${h}.${p}X.${sig}`,
      `${h}.${p}.`,
      `${h}.${p}`,
      ` ${valid}`,
      `${h}.${p}\u00e9.${sig}`,
      `${segment({ alg: 'HS256' })}.%%%.***`,
      '',
    ];
    for (const token of tokens) {
      for (const audience of [AUD, [AUD, 'other'], 'other']) {
        expect(await outcome(fast, token, audience), token).toEqual(
          await outcome(jose, token, audience),
        );
      }
    }
  });
});
