import { ErrorCode } from '@portcullis/core';
import { expect } from 'vitest';
import { codeOf, defineStoreCase, expectStoreError, HASH } from './store-case';

/** Case-insensitive lookup and database-enforced uniqueness of emails (see docs/contract/behaviour.md#stores). */
export const emailCases = [
  defineStoreCase(
    'STORE-EMAIL-001',
    'finds a user by email whatever the ASCII case, keeping the email as registered',
    async ({ users, email }) => {
      const address = email('King.Arthur');
      const user = await users.create({ email: address, hashed_password: HASH });
      const found = await users.getByEmail(address.toUpperCase());
      expect(found?.id).toEqual(user.id);
      expect(found?.email).toBe(address);
      expect((await users.getByEmail(address.toLowerCase()))?.id).toEqual(user.id);
    },
  ),
  defineStoreCase(
    'STORE-EMAIL-002',
    'finds a user by email whatever the case of non-ASCII letters (Cyrillic, accented Latin)',
    async ({ users, email }) => {
      const cyrillic = email('ДМИТРИЙ');
      const latin = email('ÉLODIE');
      const a = await users.create({ email: cyrillic, hashed_password: HASH });
      const b = await users.create({ email: latin, hashed_password: HASH });
      expect((await users.getByEmail(cyrillic.toLowerCase()))?.id).toEqual(a.id);
      expect((await users.getByEmail(latin.toLowerCase()))?.id).toEqual(b.id);
    },
  ),
  defineStoreCase(
    'STORE-EMAIL-003',
    'refuses an ASCII case variant of a taken email: USER_ALREADY_EXISTS, email not in its message',
    async ({ users, email }) => {
      const address = email('gawain');
      await users.create({ email: address, hashed_password: HASH });
      await expectStoreError(
        users.create({ email: address.toUpperCase(), hashed_password: HASH }),
        ErrorCode.USER_ALREADY_EXISTS,
        address.split('@')[0],
      );
      expect((await users.getByEmail(address))?.email).toBe(address);
    },
  ),
  defineStoreCase(
    'STORE-EMAIL-004',
    'refuses a non-ASCII case variant of a taken email with USER_ALREADY_EXISTS',
    async ({ users, email }) => {
      const address = email('дмитрий');
      await users.create({ email: address, hashed_password: HASH });
      await expectStoreError(
        users.create({ email: address.toUpperCase(), hashed_password: HASH }),
        ErrorCode.USER_ALREADY_EXISTS,
      );
    },
  ),
  defineStoreCase(
    'STORE-EMAIL-005',
    'refuses an update to a case variant of another user’s email and changes neither user',
    async ({ users, newUser }) => {
      const taken = await newUser();
      const other = await newUser();
      await expectStoreError(
        users.update(other, { email: taken.email.toUpperCase() }),
        ErrorCode.USER_ALREADY_EXISTS,
      );
      expect((await users.get(other.id))?.email).toBe(other.email);
      expect((await users.get(taken.id))?.email).toBe(taken.email);
    },
  ),
  defineStoreCase(
    'STORE-EMAIL-006',
    'lets exactly one of concurrent registrations of case variants of one address win',
    async ({ users, email, concurrency }) => {
      const address = email('crowd');
      const variants = Array.from({ length: concurrency }, (_, i) =>
        i % 2 === 0 ? address.toUpperCase() : address.replace(/^c/, 'C'),
      );
      variants[0] = address;
      const results = await Promise.allSettled(
        variants.map((variant) => users.create({ email: variant, hashed_password: HASH })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const codes = new Set(results.map(codeOf).filter((code) => code !== undefined));
      expect(codes).toEqual(new Set([ErrorCode.USER_ALREADY_EXISTS]));
      const winner = results.find((r) => r.status === 'fulfilled');
      expect((await users.getByEmail(address))?.id).toEqual(
        winner?.status === 'fulfilled' ? winner.value.id : undefined,
      );
    },
  ),
  defineStoreCase(
    'STORE-EMAIL-007',
    'keeps addresses that differ only in accents apart (case-insensitive, accent-sensitive)',
    async ({ users, email }) => {
      const accented = email('josé');
      const plain = accented.replace('josé', 'jose');
      const a = await users.create({ email: accented, hashed_password: HASH });
      const b = await users.create({ email: plain, hashed_password: HASH });
      expect(a.id).not.toEqual(b.id);
      expect((await users.getByEmail(plain))?.id).toEqual(b.id);
      // Only ASCII letters change case here: folding beyond ASCII is STORE-EMAIL-002's concern.
      expect((await users.getByEmail(accented.replace(/^jos/, 'JOS')))?.id).toEqual(a.id);
      expect((await users.getByEmail(plain.replace(/^jos/, 'JOS')))?.id).toEqual(b.id);
    },
  ),
  defineStoreCase(
    'STORE-EMAIL-008',
    'treats wildcard and pattern characters in an email lookup literally',
    async ({ users, email }) => {
      const address = email('percival');
      await users.create({ email: address, hashed_password: HASH });
      const [local, domain] = address.split('@') as [string, string];
      for (const pattern of [
        `%@${domain}`,
        `${local.slice(0, -1)}_@${domain}`,
        `${local}@${domain.replace('.', '_')}`,
        `.*@${domain}`,
        `^${local}@${domain}$`,
        `${local}@%`,
      ]) {
        expect(await users.getByEmail(pattern), pattern).toBeNull();
      }
      expect(await users.getByEmail(`${local}@${domain}x`)).toBeNull();
    },
  ),
];
