import { hash as argon2Hash } from '@node-rs/argon2';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, verifyAndUpdate } from './password';

// @node-rs/argon2's `Algorithm` and `Version` are ambient const enums (unusable under
// isolatedModules); values from its index.d.ts.
const ARGON2D = 0;
const ARGON2I = 1;
const ARGON2ID = 2;
const VERSION_0X10 = 0;

const PASSWORD = 'correct horse battery staple';

/** FastAPI Users' hashes: argon2-cffi's RFC 9106 low-memory profile (see docs/contract/behaviour.md#password-hashing). */
let fastapiUsersHash: string;
/** A legacy passlib-era hash; cost 4 keeps the test fast, the prefix is what matters. */
let bcrypt2b: string;

beforeAll(async () => {
  fastapiUsersHash = await argon2Hash(PASSWORD, {
    algorithm: ARGON2ID,
    memoryCost: 65_536,
    timeCost: 3,
    parallelism: 4,
  });
  bcrypt2b = await bcryptHash(PASSWORD, 4);
});

describe('createPasswordHasher', () => {
  const hasher = createPasswordHasher();

  it('hashes with argon2id and OWASP parameters by default', async () => {
    const stored = await hasher.hash(PASSWORD);
    expect(stored).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(await hasher.verify(PASSWORD, stored)).toBe(true);
    expect(await hasher.verify(`${PASSWORD}!`, stored)).toBe(false);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash(PASSWORD)).not.toBe(await hasher.hash(PASSWORD));
  });

  it('hashes with the configured parameters', async () => {
    const custom = createPasswordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 2 });
    const stored = await custom.hash(PASSWORD);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=2\$/);
    expect(await custom.verify(PASSWORD, stored)).toBe(true);
  });

  it('rejects out-of-range options', () => {
    expect(() => createPasswordHasher({ memoryCost: 0 })).toThrow(RangeError);
    expect(() => createPasswordHasher({ timeCost: 0 })).toThrow(RangeError);
    expect(() => createPasswordHasher({ parallelism: 256 })).toThrow(RangeError);
    expect(() => createPasswordHasher({ timeCost: 1.5 })).toThrow(RangeError);
    // argon2 needs at least 8 KiB per lane.
    expect(() => createPasswordHasher({ memoryCost: 31, parallelism: 4 })).toThrow(RangeError);
  });

  describe('FastAPI Users argon2id hashes (m=65536, t=3, p=4)', () => {
    it('verifies them', async () => {
      expect(fastapiUsersHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
      expect(await hasher.verify(PASSWORD, fastapiUsersHash)).toBe(true);
      expect(await hasher.verify('wrong password', fastapiUsersHash)).toBe(false);
    });

    it('keeps them under the weaker defaults (never downgrades)', () => {
      expect(hasher.needsRehash(fastapiUsersHash)).toBe(false);
    });

    it('keeps them when configured with the same parameters', () => {
      const same = createPasswordHasher({ memoryCost: 65_536, timeCost: 3, parallelism: 4 });
      expect(same.needsRehash(fastapiUsersHash)).toBe(false);
    });
  });

  describe('needsRehash', () => {
    const strong = createPasswordHasher({ memoryCost: 65_536, timeCost: 3 });

    it('upgrades an argon2id hash whose memory or time cost is below the configured one', () => {
      const salt = 'c29tZXNhbHRzb21lc2FsdA';
      const digest = 'a'.repeat(43);
      expect(strong.needsRehash(`$argon2id$v=19$m=19456,t=2,p=1$${salt}$${digest}`)).toBe(true);
      expect(strong.needsRehash(`$argon2id$v=19$m=19456,t=3,p=1$${salt}$${digest}`)).toBe(true);
      expect(strong.needsRehash(`$argon2id$v=19$m=65536,t=2,p=1$${salt}$${digest}`)).toBe(true);
      expect(strong.needsRehash(`$argon2id$v=19$m=65536,t=3,p=1$${salt}$${digest}`)).toBe(false);
      expect(strong.needsRehash(`$argon2id$v=19$m=131072,t=4,p=8$${salt}$${digest}`)).toBe(false);
    });

    it('upgrades a real default hash once the configured cost is raised', async () => {
      const stored = await hasher.hash(PASSWORD);
      expect(hasher.needsRehash(stored)).toBe(false);
      expect(strong.needsRehash(stored)).toBe(true);
    });

    it('upgrades argon2i and argon2d hashes, which it still verifies', async () => {
      for (const algorithm of [ARGON2I, ARGON2D]) {
        const stored = await argon2Hash(PASSWORD, { algorithm, memoryCost: 65_536, timeCost: 3 });
        expect(stored).toMatch(/^\$argon2(i|d)\$/);
        expect(await hasher.verify(PASSWORD, stored)).toBe(true);
        expect(hasher.needsRehash(stored)).toBe(true);
      }
    });

    it('upgrades argon2 version 0x10 hashes', async () => {
      const stored = await argon2Hash(PASSWORD, {
        algorithm: ARGON2ID,
        version: VERSION_0X10,
        memoryCost: 65_536,
        timeCost: 3,
      });
      expect(stored).toMatch(/^\$argon2id\$v=16\$/);
      expect(await hasher.verify(PASSWORD, stored)).toBe(true);
      expect(hasher.needsRehash(stored)).toBe(true);
    });

    it('upgrades bcrypt hashes', () => {
      expect(hasher.needsRehash(bcrypt2b)).toBe(true);
      expect(strong.needsRehash(bcrypt2b)).toBe(true);
    });

    it('says false for formats it does not know', () => {
      for (const junk of [
        '',
        'plaintext',
        '$argon2id$',
        '$1$abc$def',
        `$2x$04$${'a'.repeat(53)}`,
      ]) {
        expect(hasher.needsRehash(junk)).toBe(false);
      }
    });
  });

  describe('bcrypt (legacy FastAPI Users < 13 hashes)', () => {
    it('verifies $2b$, $2a$ and $2y$ hashes', async () => {
      expect(bcrypt2b.startsWith('$2b$04$')).toBe(true);
      for (const prefix of ['$2b$', '$2a$', '$2y$']) {
        const stored = prefix + bcrypt2b.slice(4);
        expect(await hasher.verify(PASSWORD, stored)).toBe(true);
        expect(await hasher.verify('wrong password', stored)).toBe(false);
      }
    });

    it('does not let a longer password match the hash of its 72-byte prefix', async () => {
      const prefix = 'p'.repeat(72);
      const stored = await bcryptHash(prefix, 4);
      expect(await hasher.verify(`${prefix}and more`, stored)).toBe(false);
    });

    it('never logs in by the 72-byte prefix of a longer password the hash was made from', async () => {
      // A library that truncated silently stored this hash of a 100-byte password.
      const long = `${'a'.repeat(40)}${'b'.repeat(60)}`;
      const stored = await bcryptHash(long, 4);
      expect(await hasher.verify(long.slice(0, 72), stored)).toBe(false);
      expect(await hasher.verify(long, stored)).toBe(false);
      // A password of up to 71 bytes is checked as before.
      const short = 'c'.repeat(71);
      expect(await hasher.verify(short, await bcryptHash(short, 4))).toBe(true);
    });

    it('counts the limit in UTF-8 bytes, not characters', async () => {
      const bytes70 = 'é'.repeat(35); // 2 bytes each
      expect(await hasher.verify(bytes70, await bcryptHash(bytes70, 4))).toBe(true);
      // 36 characters, 72 bytes: the hash could be of any longer password starting with it.
      const bytes72 = 'é'.repeat(36);
      expect(await hasher.verify(bytes72, await bcryptHash(bytes72, 4))).toBe(false);
    });
  });

  describe('junk hashes', () => {
    const junk = [
      '',
      'plaintext',
      'not$a$hash',
      '$argon2id$v=19$m=65536,t=3,p=4$AAAA$BBBB',
      `$argon2id$v=19$m=0,t=0,p=0$c29tZXNhbHRzb21lc2FsdA$${'a'.repeat(43)}`,
      '$argon2id$v=19$m=65536,t=3,p=4$!!!$???',
      `$2b$04$${'.'.repeat(53)}`,
      `$2b$99$${'a'.repeat(53)}`,
      '$2b$04$short',
    ];

    it('answers false without throwing', async () => {
      for (const hash of junk) {
        await expect(hasher.verify(PASSWORD, hash), hash).resolves.toBe(false);
      }
    });

    it('answers false for non-string input from untyped callers', async () => {
      await expect(hasher.verify(PASSWORD, null as unknown as string)).resolves.toBe(false);
      await expect(hasher.verify(undefined as unknown as string, bcrypt2b)).resolves.toBe(false);
      expect(hasher.needsRehash(42 as unknown as string)).toBe(false);
    });
  });

  describe('generate', () => {
    it('returns 43 base64url characters (32 random bytes)', () => {
      expect(hasher.generate()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('never repeats', () => {
      const passwords = new Set(Array.from({ length: 500 }, () => hasher.generate()));
      expect(passwords.size).toBe(500);
    });
  });
});

describe('verifyAndUpdate', () => {
  const hasher = createPasswordHasher();

  it('returns no new hash for a wrong password, even on a legacy hash', async () => {
    expect(await verifyAndUpdate(hasher, 'wrong password', bcrypt2b)).toEqual({
      valid: false,
      newHash: null,
    });
  });

  it('returns no new hash when the stored one is current', async () => {
    const stored = await hasher.hash(PASSWORD);
    expect(await verifyAndUpdate(hasher, PASSWORD, stored)).toEqual({ valid: true, newHash: null });
  });

  it('returns no new hash for a stronger argon2id hash', async () => {
    expect(await verifyAndUpdate(hasher, PASSWORD, fastapiUsersHash)).toEqual({
      valid: true,
      newHash: null,
    });
  });

  it('upgrades a bcrypt hash to the current argon2id settings', async () => {
    const { valid, newHash } = await verifyAndUpdate(hasher, PASSWORD, bcrypt2b);
    expect(valid).toBe(true);
    expect(newHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(PASSWORD, newHash as string)).toBe(true);
    expect(hasher.needsRehash(newHash as string)).toBe(false);
  });

  it('upgrades a weaker argon2id hash when the configured cost rises', async () => {
    const weak = await createPasswordHasher({ memoryCost: 8192, timeCost: 1 }).hash(PASSWORD);
    const { valid, newHash } = await verifyAndUpdate(hasher, PASSWORD, weak);
    expect(valid).toBe(true);
    expect(newHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('answers invalid for a junk hash', async () => {
    expect(await verifyAndUpdate(hasher, PASSWORD, 'junk')).toEqual({
      valid: false,
      newHash: null,
    });
  });
});
