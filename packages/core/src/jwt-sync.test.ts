import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJwtStrategy } from './auth/jwt-strategy';
import type { UserLookup } from './auth/strategy';
import { ErrorCode } from './errors';
import { createJwtCodec } from './jwt';
import type { User } from './types';

// A guarded request reads its token without a promise of its own when the codec need not wait
// (docs/performance.md, "Fewer promises per guarded request"): `verifySync`, and a JWT
// strategy that hands back the store's promise as it is.

const SECRET = 'sync-path-secret-sync-path-secret!';
const AUD = 'portcullis:auth';

afterEach(() => {
  vi.restoreAllMocks();
});

const user = { id: '42', email: 'kay@camelot.bt' } as unknown as User;

async function es256Keys(): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

describe('JwtCodec.verifySync', () => {
  it("gives an HS256 token's claims at once, the same as verify's", async () => {
    const codec = createJwtCodec({ secret: SECRET, verifiedTokenCacheSize: 0 });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    const now = codec.verifySync?.(token, [AUD]);
    expect(now).toMatchObject({ sub: '42', aud: [AUD] });
    expect(now).toEqual(await codec.verify(token, [AUD]));
  });

  it('throws what verify rejects with for a well-signed token; leaves a bad signature to verify', async () => {
    const codec = createJwtCodec({ secret: SECRET });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    const expired = await codec.sign({ sub: '42', aud: [AUD], exp: 1 }, null);
    expect(() => codec.verifySync?.(expired, [AUD])).toThrow(
      expect.objectContaining({ code: ErrorCode.TOKEN_EXPIRED }),
    );
    // Cached by the first read, refused for another audience all the same.
    expect(codec.verifySync?.(token, [AUD])).toMatchObject({ sub: '42' });
    expect(() => codec.verifySync?.(token, ['portcullis:other'])).toThrow(
      expect.objectContaining({ code: ErrorCode.TOKEN_INVALID }),
    );
    // A signature that does not match goes to jose, for jose's own error.
    const at = token.length - 5; // away from the end, whose low bits are padding
    const forged = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(codec.verifySync?.(forged, [AUD])).toBeUndefined();
    await expect(codec.verify(forged, [AUD])).rejects.toMatchObject({
      code: ErrorCode.TOKEN_INVALID,
    });
  });

  it('leaves an asymmetric token to verify until verify has seen it', async () => {
    const { privateKey, publicKey } = await es256Keys();
    const codec = createJwtCodec({ secret: privateKey, publicKey, algorithm: 'ES256' });
    const token = await codec.sign({ sub: '42', aud: [AUD] }, 60);
    expect(codec.verifySync?.(token, [AUD])).toBeUndefined();
    const claims = await codec.verify(token, [AUD]);
    expect(codec.verifySync?.(token, [AUD])).toBe(claims);
  });
});

describe("the JWT strategy's readToken", () => {
  it("returns the lookup's own promise for an HS256 token", async () => {
    const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60 });
    const token = await strategy.writeToken(user);
    const found = Promise.resolve(user);
    const lookup: UserLookup = { findById: vi.fn(() => found) };
    expect(strategy.readToken(token, lookup)).toBe(found);
    expect(lookup.findById).toHaveBeenCalledWith('42');
  });

  it('answers null for a bad token without asking the lookup', async () => {
    const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60 });
    const lookup: UserLookup = { findById: vi.fn(() => Promise.resolve(user)) };
    await expect(strategy.readToken('not.a.token', lookup)).resolves.toBeNull();
    expect(lookup.findById).not.toHaveBeenCalled();
  });

  it('reads an asymmetric token through verify', async () => {
    const { privateKey, publicKey } = await es256Keys();
    const strategy = createJwtStrategy({
      secret: privateKey,
      publicKey,
      algorithm: 'ES256',
      lifetimeSeconds: 60,
    });
    const token = await strategy.writeToken(user);
    const lookup: UserLookup = { findById: vi.fn(() => Promise.resolve(user)) };
    await expect(strategy.readToken(token, lookup)).resolves.toBe(user);
    expect(lookup.findById).toHaveBeenCalledWith('42');
  });

  it('rejects, never throws, when the lookup throws', async () => {
    const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60 });
    const token = await strategy.writeToken(user);
    const lookup: UserLookup = {
      findById: () => {
        throw new Error('lookup broke');
      },
    };
    let read: Promise<User | null> | undefined;
    expect(() => {
      read = strategy.readToken(token, lookup);
    }).not.toThrow();
    await expect(read).rejects.toThrow('lookup broke');
  });
});
