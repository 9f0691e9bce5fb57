import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher, verifyAndUpdate } from './password';
import { createPbkdf2PasswordHasher } from './pbkdf2-password-hasher';

const PASSWORD = 'correct horse battery staple';
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/=+$/, '');
const unb64 = (text: string): Buffer => Buffer.from(text, 'base64');

/** Splits a hash of this format into its parts. */
function parts(hash: string): { perRound: number; rounds: number; salt: Buffer; key: Buffer } {
  const match = /^\$pbkdf2-sha256\$i=(\d+),r=(\d+)\$([^$]+)\$([^$]+)$/.exec(hash);
  if (!match) throw new Error(`not a PBKDF2 hash: ${hash}`);
  const [, perRound, rounds, salt, key] = match as unknown as string[];
  return {
    perRound: Number(perRound),
    rounds: Number(rounds),
    salt: unb64(salt as string),
    key: unb64(key as string),
  };
}

describe('createPbkdf2PasswordHasher', () => {
  // The production default, used sparingly: each hash costs 600 000 HMAC-SHA256 iterations.
  const hasher = createPbkdf2PasswordHasher();
  const cheap = createPbkdf2PasswordHasher({ iterations: 1_000 });

  it("hashes with OWASP's 600 000 iterations by default, in six rounds of 100 000", async () => {
    const stored = await hasher.hash(PASSWORD);
    expect(stored).toMatch(/^\$pbkdf2-sha256\$i=100000,r=6\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(PASSWORD, stored)).toBe(true);
    expect(await hasher.verify(`${PASSWORD}!`, stored)).toBe(false);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it('chains the rounds: each output is the next password (checked against node:crypto)', async () => {
    const stored = await createPbkdf2PasswordHasher({ iterations: 3_000 }).hash(PASSWORD);
    const { perRound, rounds, salt, key } = parts(stored);
    expect([perRound, rounds]).toEqual([3_000, 1]);
    expect(key.equals(pbkdf2Sync(PASSWORD, salt, 3_000, 32, 'sha256'))).toBe(true);

    const chained = await createPbkdf2PasswordHasher({ iterations: 250_000 }).hash(PASSWORD);
    const split = parts(chained);
    // 250 000 in rounds of at most 100 000: three rounds of 83 334 (never fewer in total).
    expect([split.perRound, split.rounds]).toEqual([83_334, 3]);
    let expected: Buffer = Buffer.from(PASSWORD);
    for (let round = 0; round < 3; round++) {
      expected = pbkdf2Sync(expected, split.salt, 83_334, 32, 'sha256');
    }
    expect(split.key.equals(expected)).toBe(true);
  });

  it('salts every hash with 16 random bytes', async () => {
    const [a, b] = [await cheap.hash(PASSWORD), await cheap.hash(PASSWORD)];
    expect(a).not.toBe(b);
    expect(parts(a).salt).toHaveLength(16);
    expect(parts(a).salt.equals(parts(b).salt)).toBe(false);
  });

  it('hashes and verifies the empty password and non-ASCII passwords', async () => {
    for (const password of ['', 'pässwörd 🔑', 'x'.repeat(4096)]) {
      const stored = await cheap.hash(password);
      expect(await cheap.verify(password, stored), password).toBe(true);
      expect(await cheap.verify(`${password}.`, stored), password).toBe(false);
    }
  });

  it('verifies a hash made with another iteration count, and asks to rehash it when weaker', async () => {
    const weak = await cheap.hash(PASSWORD);
    expect(await hasher.verify(PASSWORD, weak)).toBe(true);
    expect(hasher.needsRehash(weak)).toBe(true);
    const strong = await createPbkdf2PasswordHasher({ iterations: 2_000 }).hash(PASSWORD);
    expect(cheap.needsRehash(strong)).toBe(false);
  });

  it('answers false for other formats and junk, never throwing', async () => {
    const argon2 = await createPasswordHasher({ memoryCost: 1024, timeCost: 1 }).hash(PASSWORD);
    const salt = b64(new Uint8Array(16));
    const key = b64(new Uint8Array(32));
    for (const junk of [
      argon2,
      '',
      'plaintext',
      `$pbkdf2-sha256$i=0,r=1$${salt}$${key}`,
      `$pbkdf2-sha256$i=1000,r=0$${salt}$${key}`,
      `$pbkdf2-sha256$i=100000000,r=2$${salt}$${key}`,
      `$pbkdf2-sha256$i=1000$${salt}$${key}`,
      `$pbkdf2-sha256$i=1000,r=1$${salt}$`,
      `$pbkdf2-sha512$i=1000,r=1$${salt}$${key}`,
    ]) {
      await expect(cheap.verify(PASSWORD, junk), junk).resolves.toBe(false);
      expect(cheap.needsRehash(junk), junk).toBe(false);
    }
    await expect(cheap.verify(PASSWORD, null as unknown as string)).resolves.toBe(false);
    await expect(cheap.verify(undefined as unknown as string, argon2)).resolves.toBe(false);
  });

  it('refuses iteration counts that are not whole or out of range', () => {
    for (const iterations of [0, -1, 1.5, Number.NaN, 100_000_001]) {
      expect(() => createPbkdf2PasswordHasher({ iterations }), String(iterations)).toThrow(
        RangeError,
      );
    }
  });

  it('generates 43 base64url characters (32 random bytes)', () => {
    expect(cheap.generate()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cheap.generate()).not.toBe(cheap.generate());
  });
});

describe('the default hasher and PBKDF2 hashes', () => {
  const argon2 = createPasswordHasher({ memoryCost: 1024, timeCost: 1 });
  const pbkdf2 = createPbkdf2PasswordHasher({ iterations: 1_000 });

  it('verifies them, so a user table can move from an edge runtime to Node', async () => {
    const stored = await pbkdf2.hash(PASSWORD);
    expect(await argon2.verify(PASSWORD, stored)).toBe(true);
    expect(await argon2.verify('wrong password', stored)).toBe(false);
  });

  it('upgrades them to argon2id on the next login', async () => {
    const stored = await pbkdf2.hash(PASSWORD);
    expect(argon2.needsRehash(stored)).toBe(true);
    const { valid, newHash } = await verifyAndUpdate(argon2, PASSWORD, stored);
    expect(valid).toBe(true);
    expect(newHash).toMatch(/^\$argon2id\$/);
  });
});
