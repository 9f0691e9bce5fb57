import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
} from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from './errors';
import type { JwtAlgorithm, JwtCodec } from './jwt';
import { createJwtCodec, isTokenError } from './jwt';

const SECRET = 'SECRET';
const AUD = 'portcullis:auth';
const encoder = new TextEncoder();

/**
 * Produced by PyJWT 2.6 as FastAPI Users' JWTStrategy writes it:
 * `jwt.encode({"sub": ..., "aud": ["fastapi-users:auth"], "exp": 4102444800}, "SECRET", "HS256")`.
 */
const PYJWT_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2YzhkNWI0ZS0yZjBhLTRlM2ItOWE3MS0wZDNjMmIxYTlmODgiLCJhdWQiOlsiZmFzdGFwaS11c2VyczphdXRoIl0sImV4cCI6NDEwMjQ0NDgwMH0.vCkvMkPnAHt53q7_WKrhqvtpcA8rWIp0bbc7yr9rDUM';
const PYJWT_CLAIMS = {
  sub: '6c8d5b4e-2f0a-4e3b-9a71-0d3c2b1a9f88',
  aud: ['fastapi-users:auth'],
  exp: 4102444800,
};

function segment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

/** Signs any header/payload by hand, to build tokens jose's SignJWT refuses to produce. */
async function hmacToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string = SECRET,
  hash = 'SHA-256',
): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`;
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function expectTokenError(
  promise: Promise<unknown>,
  kind: 'expired' | 'invalid',
): Promise<void> {
  const error = await rejection(promise);
  expect(isTokenError(error)).toBe(true);
  expect(error).toMatchObject({
    code: kind === 'expired' ? ErrorCode.TOKEN_EXPIRED : ErrorCode.TOKEN_INVALID,
  });
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('HS256 (the default)', () => {
  const codec = createJwtCodec({ secret: SECRET });

  it('round-trips claims and adds exp = now + lifetime', async () => {
    const before = nowSeconds();
    const token = await codec.sign({ sub: '42', aud: [AUD], custom: { nested: true } }, 3600);
    const after = nowSeconds();
    const claims = await codec.verify(token, AUD);
    expect(claims).toMatchObject({ sub: '42', aud: [AUD], custom: { nested: true } });
    expect(claims.exp).toBeGreaterThanOrEqual(before + 3600);
    expect(claims.exp).toBeLessThanOrEqual(after + 3600);
  });

  it('writes the header {alg, typ: "JWT"} in PyJWT order', async () => {
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(token.split('.')[0]).toBe(PYJWT_TOKEN.split('.')[0]);
  });

  it('produces byte-for-byte the token PyJWT produces for the same claims', async () => {
    expect(await codec.sign(PYJWT_CLAIMS, null)).toBe(PYJWT_TOKEN);
  });

  it('verifies a FastAPI Users token (aud as a JSON array)', async () => {
    expect(await codec.verify(PYJWT_TOKEN, 'fastapi-users:auth')).toEqual(PYJWT_CLAIMS);
    expect(await codec.verify(PYJWT_TOKEN, ['other', 'fastapi-users:auth'])).toEqual(PYJWT_CLAIMS);
  });

  it('accepts a string aud (reset and verify tokens)', async () => {
    const token = await codec.sign({ sub: '42', aud: 'portcullis:reset' }, 3600);
    expect((await codec.verify(token, 'portcullis:reset')).aud).toBe('portcullis:reset');
  });

  it('adds no exp when the lifetime is null or 0', async () => {
    for (const lifetime of [null, 0]) {
      const token = await codec.sign({ sub: '42', aud: AUD }, lifetime);
      expect(decodeJwt(token)).toEqual({ sub: '42', aud: AUD });
      expect(await codec.verify(token, AUD)).toEqual({ sub: '42', aud: AUD });
    }
  });

  it('copies the claims without changing them, and the lifetime overrides a given exp', async () => {
    const claims = { sub: '42', aud: AUD, exp: 1 };
    const token = await codec.sign(claims, 60);
    expect(claims).toEqual({ sub: '42', aud: AUD, exp: 1 });
    expect(decodeJwt(token).exp).toBeGreaterThan(nowSeconds());
  });

  it('refuses a non-finite lifetime', async () => {
    await expect(codec.sign({ aud: AUD }, Number.POSITIVE_INFINITY)).rejects.toThrow(TypeError);
  });

  describe('expiry (PyJWT: expired when exp <= now, no leeway)', () => {
    it('rejects exp == now as expired and accepts exp == now + 1', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2030-01-01T00:00:00.500Z'));
      const now = nowSeconds();
      await expectTokenError(
        codec.verify(await codec.sign({ aud: AUD, exp: now }, null), AUD),
        'expired',
      );
      const valid = await codec.sign({ aud: AUD, exp: now + 1 }, null);
      expect((await codec.verify(valid, AUD)).exp).toBe(now + 1);
    });

    it('rejects a token signed with a past exp as expired', async () => {
      const token = await codec.sign({ sub: '42', aud: AUD, exp: nowSeconds() - 10 }, null);
      await expectTokenError(codec.verify(token, AUD), 'expired');
    });

    it('rejects a token whose lifetime has run out', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
      const token = await codec.sign({ sub: '42', aud: AUD }, 60);
      vi.setSystemTime(new Date('2030-01-01T00:00:59Z'));
      expect((await codec.verify(token, AUD)).sub).toBe('42');
      vi.setSystemTime(new Date('2030-01-01T00:01:00Z'));
      await expectTokenError(codec.verify(token, AUD), 'expired');
    });
  });

  describe('audience', () => {
    it('rejects a token without aud', async () => {
      await expectTokenError(codec.verify(await codec.sign({ sub: '42' }, 60), AUD), 'invalid');
    });

    it('rejects a token for another audience', async () => {
      const token = await codec.sign({ sub: '42', aud: ['portcullis:reset'] }, 60);
      await expectTokenError(codec.verify(token, AUD), 'invalid');
      await expectTokenError(codec.verify(token, [AUD, 'portcullis:verify']), 'invalid');
      await expectTokenError(codec.verify(PYJWT_TOKEN, AUD), 'invalid');
    });

    it('accepts nothing when the accepted list is empty', async () => {
      await expectTokenError(codec.verify(await codec.sign({ aud: [AUD] }, 60), []), 'invalid');
    });
  });

  describe('claims PyJWT checks', () => {
    it('rejects a non-string sub', async () => {
      for (const sub of [42, null, ['42'], { id: 42 }]) {
        await expectTokenError(
          codec.verify(await codec.sign({ sub, aud: AUD }, 60), AUD),
          'invalid',
        );
      }
    });

    it('rejects an iat in the future and accepts one in the past', async () => {
      const future = await codec.sign({ aud: AUD, iat: nowSeconds() + 60 }, 60);
      await expectTokenError(codec.verify(future, AUD), 'invalid');
      const iat = nowSeconds() - 60;
      const past = await codec.sign({ aud: AUD, iat }, 60);
      expect((await codec.verify(past, AUD)).iat).toBe(iat);
    });

    it('rejects an nbf in the future', async () => {
      const token = await codec.sign({ aud: AUD, nbf: nowSeconds() + 60 }, 60);
      await expectTokenError(codec.verify(token, AUD), 'invalid');
    });

    it('rejects a non-numeric exp', async () => {
      const token = await hmacToken({ alg: 'HS256', typ: 'JWT' }, { aud: AUD, exp: '4102444800' });
      await expectTokenError(codec.verify(token, AUD), 'invalid');
    });

    it('rejects unknown crit header parameters', async () => {
      const token = await hmacToken(
        { alg: 'HS256', typ: 'JWT', crit: ['x-portcullis'], 'x-portcullis': true },
        { sub: '42', aud: AUD },
      );
      await expectTokenError(codec.verify(token, AUD), 'invalid');
    });
  });

  describe('signatures and algorithms', () => {
    it('rejects a tampered signature', async () => {
      const token = await codec.sign({ sub: '42', aud: AUD }, 60);
      const [header, payload, signature = ''] = token.split('.');
      const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
      await expectTokenError(codec.verify(`${header}.${payload}.${flipped}`, AUD), 'invalid');
    });

    it('rejects a tampered payload', async () => {
      const token = await codec.sign({ sub: '42', aud: AUD }, 60);
      const [header, , signature] = token.split('.');
      const forged = segment({ sub: '1', aud: AUD, exp: nowSeconds() + 60 });
      await expectTokenError(codec.verify(`${header}.${forged}.${signature}`, AUD), 'invalid');
    });

    it('rejects a token signed with another secret', async () => {
      const other = createJwtCodec({ secret: 'another secret' });
      await expectTokenError(codec.verify(await other.sign({ aud: AUD }, 60), AUD), 'invalid');
    });

    it('rejects alg "none"', async () => {
      const unsigned = `${segment({ alg: 'none', typ: 'JWT' })}.${segment({ sub: '1', aud: AUD })}.`;
      await expectTokenError(codec.verify(unsigned, AUD), 'invalid');
    });

    it('pins the algorithm: an HS512 token with the same secret is refused', async () => {
      const token = await hmacToken({ alg: 'HS512', typ: 'JWT' }, { aud: AUD }, SECRET, 'SHA-512');
      expect(
        await createJwtCodec({ algorithm: 'HS512', secret: SECRET }).verify(token, AUD),
      ).toEqual({
        aud: AUD,
      });
      await expectTokenError(codec.verify(token, AUD), 'invalid');
    });

    it('answers TOKEN_INVALID for malformed tokens, never another error', async () => {
      const malformed = [
        '',
        'abc',
        'a.b',
        'a.b.c',
        '..',
        'a.b.c.d',
        `${segment('not an object')}.${segment({ aud: AUD })}.sig`,
        `${base64url.encode('{not json')}.${segment({ aud: AUD })}.sig`,
        `${segment({ alg: 'HS256' })}.${base64url.encode('[1,2]')}.sig`,
        `${segment({ alg: 'HS256' })}.%%%.***`,
        `${segment({ alg: 'HS256', b64: false, crit: ['b64'] })}.${segment({ aud: AUD })}.x`,
        'x'.repeat(10_000),
        42 as unknown as string,
      ];
      for (const token of malformed) await expectTokenError(codec.verify(token, AUD), 'invalid');
    });

    it('keeps the token out of error messages', async () => {
      const token = await codec.sign({ sub: 'secret-subject', aud: AUD, exp: 1 }, null);
      const error = (await rejection(codec.verify(token, AUD))) as Error;
      expect(error.message).not.toContain(token);
      expect(error.message).not.toContain('secret-subject');
      expect(error.cause).toBeDefined();
    });
  });
});

describe('HMAC keys', () => {
  it('treats a string secret as its UTF-8 bytes, like PyJWT', async () => {
    const bytes = createJwtCodec({ secret: encoder.encode(SECRET) });
    expect(await bytes.verify(PYJWT_TOKEN, 'fastapi-users:auth')).toEqual(PYJWT_CLAIMS);
  });

  it('copies a byte secret, so later mutation of the buffer has no effect', async () => {
    const bytes = encoder.encode(SECRET);
    const codec = createJwtCodec({ secret: bytes });
    bytes.fill(0);
    expect(await codec.verify(PYJWT_TOKEN, 'fastapi-users:auth')).toEqual(PYJWT_CLAIMS);
  });

  it('accepts an HMAC CryptoKey', async () => {
    const key = await crypto.subtle.importKey(
      'raw',
      encoder.encode(SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    const codec = createJwtCodec({ secret: key });
    expect(await codec.verify(PYJWT_TOKEN, 'fastapi-users:auth')).toEqual(PYJWT_CLAIMS);
    expect(await codec.sign(PYJWT_CLAIMS, null)).toBe(PYJWT_TOKEN);
  });

  it.each(['HS384', 'HS512'] as const)('round-trips %s', async (algorithm) => {
    const codec = createJwtCodec({ algorithm, secret: SECRET });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    expect(decodeProtectedHeader(token).alg).toBe(algorithm);
    expect((await codec.verify(token, AUD)).sub).toBe('42');
  });

  it('imports the key once, not on every sign or verify (the hot path)', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const codec = createJwtCodec({ secret: SECRET });
    for (let i = 0; i < 5; i++) {
      await codec.verify(await codec.sign({ sub: String(i), aud: AUD }, 60), AUD);
    }
    // Once for Web Crypto; not at all where node:crypto's HMAC does the work (issue 7).
    expect(importKey.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it('refuses unusable configurations up front', () => {
    expect(() => createJwtCodec({ secret: '' })).toThrow(TypeError);
    expect(() => createJwtCodec({ secret: new Uint8Array() })).toThrow(TypeError);
    expect(() => createJwtCodec({ secret: SECRET, publicKey: 'x' })).toThrow(TypeError);
    expect(() =>
      createJwtCodec({ secret: SECRET, algorithm: 'none' as unknown as JwtAlgorithm }),
    ).toThrow(TypeError);
    expect(() =>
      createJwtCodec({ secret: SECRET, algorithm: 'PS256' as unknown as JwtAlgorithm }),
    ).toThrow(TypeError);
  });
});

describe('asymmetric algorithms', () => {
  const algorithms = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
  const pems = new Map<JwtAlgorithm, { privateKey: string; publicKey: string }>();
  const pairs = new Map<JwtAlgorithm, CryptoKeyPair>();

  beforeAll(async () => {
    for (const alg of algorithms) {
      const pair = await generateKeyPair(alg, { extractable: true });
      pairs.set(alg, pair);
      pems.set(alg, {
        privateKey: await exportPKCS8(pair.privateKey),
        publicKey: await exportSPKI(pair.publicKey),
      });
    }
  });

  function pemCodec(algorithm: JwtAlgorithm, withPublicKey = true): JwtCodec {
    const pem = pems.get(algorithm);
    if (!pem) throw new Error(`no key for ${algorithm}`);
    return createJwtCodec({
      algorithm,
      secret: pem.privateKey,
      publicKey: withPublicKey ? pem.publicKey : undefined,
    });
  }

  it.each(algorithms)('round-trips %s with PEM keys', async (algorithm) => {
    const codec = pemCodec(algorithm);
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    expect(decodeProtectedHeader(token)).toEqual({ alg: algorithm, typ: 'JWT' });
    expect((await codec.verify(token, AUD)).sub).toBe('42');
  });

  it.each(['RS256', 'ES256', 'EdDSA'] as const)('round-trips %s with CryptoKeys', async (alg) => {
    const pair = pairs.get(alg) as CryptoKeyPair;
    const codec = createJwtCodec({
      algorithm: alg,
      secret: pair.privateKey,
      publicKey: pair.publicKey,
    });
    expect((await codec.verify(await codec.sign({ sub: '7', aud: AUD }, 60), AUD)).sub).toBe('7');
  });

  it.each(['RS256', 'ES256', 'EdDSA'] as const)(
    'derives the %s public key when only the private key is given',
    async (algorithm) => {
      const signer = pemCodec(algorithm);
      const derived = pemCodec(algorithm, false);
      const token = await signer.sign({ sub: '42', aud: AUD }, 60);
      expect((await derived.verify(token, AUD)).sub).toBe('42');
      const fromKey = createJwtCodec({
        algorithm,
        secret: (pairs.get(algorithm) as CryptoKeyPair).privateKey,
      });
      expect((await fromKey.verify(token, AUD)).sub).toBe('42');
    },
  );

  it('rejects a token signed by another key pair', async () => {
    const other = await generateKeyPair('ES256', { extractable: true });
    const foreign = createJwtCodec({ algorithm: 'ES256', secret: other.privateKey });
    await expectTokenError(
      pemCodec('ES256').verify(await foreign.sign({ aud: AUD }, 60), AUD),
      'invalid',
    );
  });

  it('rejects a token of another asymmetric algorithm', async () => {
    const es = await pemCodec('ES256').sign({ aud: AUD }, 60);
    await expectTokenError(pemCodec('RS256').verify(es, AUD), 'invalid');
    await expectTokenError(pemCodec('ES384').verify(es, AUD), 'invalid');
  });

  it('rejects alg confusion: an HS256 token keyed with the RS256 public key PEM', async () => {
    const publicPem = pems.get('RS256')?.publicKey as string;
    const forged = await hmacToken({ alg: 'HS256', typ: 'JWT' }, { sub: '1', aud: AUD }, publicPem);
    await expectTokenError(pemCodec('RS256').verify(forged, AUD), 'invalid');
    await expectTokenError(pemCodec('RS256', false).verify(forged, AUD), 'invalid');
  });

  it('rejects alg "none" and an HS256 token with the usual secret', async () => {
    const codec = pemCodec('EdDSA');
    const unsigned = `${segment({ alg: 'none', typ: 'JWT' })}.${segment({ aud: AUD })}.`;
    await expectTokenError(codec.verify(unsigned, AUD), 'invalid');
    await expectTokenError(codec.verify(PYJWT_TOKEN, 'fastapi-users:auth'), 'invalid');
  });

  it('still requires aud and enforces exp', async () => {
    const codec = pemCodec('RS256');
    await expectTokenError(codec.verify(await codec.sign({ sub: '1' }, 60), AUD), 'invalid');
    const expired = await codec.sign({ aud: AUD, exp: nowSeconds() }, null);
    await expectTokenError(codec.verify(expired, AUD), 'expired');
  });

  it('imports each key once across many calls', async () => {
    const codec = pemCodec('ES256');
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    for (let i = 0; i < 5; i++) await codec.verify(await codec.sign({ aud: AUD }, 60), AUD);
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('refuses keys of the wrong shape up front', async () => {
    const pem = pems.get('RS256') as { privateKey: string; publicKey: string };
    const nonExtractable = await generateKeyPair('ES256');
    expect(() => createJwtCodec({ algorithm: 'HS256', secret: pem.privateKey })).toThrow(TypeError);
    expect(() => createJwtCodec({ algorithm: 'RS256', secret: 'not a pem' })).toThrow(TypeError);
    expect(() => createJwtCodec({ algorithm: 'RS256', secret: pem.publicKey })).toThrow(TypeError);
    expect(() =>
      createJwtCodec({ algorithm: 'RS256', secret: pem.privateKey, publicKey: pem.privateKey }),
    ).toThrow(TypeError);
    expect(() => createJwtCodec({ algorithm: 'RS256', secret: encoder.encode('x') })).toThrow(
      TypeError,
    );
    expect(() => createJwtCodec({ algorithm: 'ES256', secret: nonExtractable.privateKey })).toThrow(
      TypeError,
    );
  });

  it('reports a corrupt PEM as a configuration error, not as a bad token', async () => {
    const corrupt = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
    const codec = createJwtCodec({ algorithm: 'RS256', secret: corrupt });
    const signError = await rejection(codec.sign({ aud: AUD }, 60));
    expect(isTokenError(signError)).toBe(false);
    const verifyError = await rejection(codec.verify(PYJWT_TOKEN, AUD));
    expect(isTokenError(verifyError)).toBe(false);
  });
});
