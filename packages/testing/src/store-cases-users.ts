import { expect } from 'vitest';
import { defineStoreCase, HASH } from './store-case';

/**
 * Create, read, update and delete, and the compare-and-set conditions single-use tokens rely on
 * (reset-password's old hash, verify's `is_verified`).
 */
export const userCases = [
  defineStoreCase(
    'STORE-USER-001',
    'creates a user with the default flags and an id that parseId reads back',
    async ({ users, email }) => {
      const address = email('lancelot');
      const user = await users.create({ email: address, hashed_password: HASH });
      expect(user).toMatchObject({
        email: address,
        hashed_password: HASH,
        is_active: true,
        is_superuser: false,
        is_verified: false,
      });
      expect(user.id === null || user.id === undefined || user.id === '').toBe(false);
      expect(users.parseId(String(user.id))).toEqual(user.id);
    },
  ),
  defineStoreCase(
    'STORE-USER-002',
    'creates a user with the flags it is given',
    async ({ newUser }) => {
      const user = await newUser({ is_active: false, is_superuser: true, is_verified: true });
      expect(user).toMatchObject({ is_active: false, is_superuser: true, is_verified: true });
    },
  ),
  defineStoreCase(
    'STORE-USER-003',
    'gets a user by its id, and by the string form of its id through parseId',
    async ({ users, newUser }) => {
      const user = await newUser({ is_verified: true });
      expect(await users.get(user.id)).toEqual(user);
      const parsed = users.parseId(String(user.id));
      expect(parsed).not.toBeNull();
      expect(await users.get(parsed as NonNullable<typeof parsed>)).toEqual(user);
    },
  ),
  defineStoreCase(
    'STORE-USER-004',
    'answers junk ids with null from parseId, and unknown ids with null from get',
    async ({ users, newUser }) => {
      const user = await newUser();
      for (const junk of ['', 'nope', '../etc', "' or 1=1 --", '{}', 'x'.repeat(5000)]) {
        expect(users.parseId(junk), junk.slice(0, 20)).toBeNull();
      }
      await users.delete(user);
      expect(await users.get(user.id)).toBeNull();
    },
  ),
  defineStoreCase(
    'STORE-USER-005',
    'updates the given fields only and returns the updated user, as later reads see it',
    async ({ users, newUser, email }) => {
      const user = await newUser();
      const address = email('galahad');
      const updated = await users.update(user, { email: address, is_verified: true });
      expect(updated).toEqual({ ...user, email: address, is_verified: true });
      expect(await users.get(user.id)).toEqual(updated);
      expect((await users.getByEmail(address))?.id).toEqual(user.id);
    },
  ),
  defineStoreCase(
    'STORE-USER-006',
    'applies a compare-and-set update only while the stored hash is the expected one',
    async ({ users, newUser }) => {
      const user = await newUser({ hashed_password: 'old-hash' });
      const first = await users.update(
        user,
        { hashed_password: 'new-hash-1' },
        { hashedPassword: 'old-hash' },
      );
      expect(first?.hashed_password).toBe('new-hash-1');
      const second = await users.update(
        user,
        { hashed_password: 'new-hash-2' },
        { hashedPassword: 'old-hash' },
      );
      expect(second).toBeNull();
      expect((await users.get(user.id))?.hashed_password).toBe('new-hash-1');
    },
  ),
  defineStoreCase(
    'STORE-USER-007',
    'gives exactly one of concurrent compare-and-set updates on one hash the win',
    async ({ users, newUser, concurrency }) => {
      const user = await newUser({ hashed_password: 'race-old' });
      const results = await Promise.all(
        Array.from({ length: concurrency }, (_, i) =>
          users.update(user, { hashed_password: `race-new-${i}` }, { hashedPassword: 'race-old' }),
        ),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect((await users.get(user.id))?.hashed_password).toBe(winners[0]?.hashed_password);
    },
  ),
  defineStoreCase(
    'STORE-USER-008',
    'answers an update of a deleted user with null and creates nothing',
    async ({ users, newUser }) => {
      const user = await newUser();
      await users.delete(user);
      expect(await users.update(user, { is_verified: true })).toBeNull();
      expect(await users.get(user.id)).toBeNull();
    },
  ),
  defineStoreCase(
    'STORE-USER-009',
    'deletes a user: get and getByEmail answer null, other users stay',
    async ({ users, newUser }) => {
      const user = await newUser();
      const other = await newUser();
      await users.delete(user);
      expect(await users.get(user.id)).toBeNull();
      expect(await users.getByEmail(user.email)).toBeNull();
      expect(await users.get(other.id)).toEqual(other);
    },
  ),
  defineStoreCase(
    'STORE-USER-010',
    'applies an update conditioned on is_verified only while the stored flag still matches',
    async ({ users, newUser }) => {
      const user = await newUser();
      const first = await users.update(user, { is_verified: true }, { isVerified: false });
      expect(first).toEqual({ ...user, is_verified: true });
      expect(await users.update(user, { is_verified: true }, { isVerified: false })).toBeNull();
      expect(await users.update(user, { is_active: false }, { isVerified: false })).toBeNull();
      expect((await users.get(user.id))?.is_active).toBe(true);
      const back = await users.update(user, { is_verified: false }, { isVerified: true });
      expect(back?.is_verified).toBe(false);
      // Both conditions at once: each must hold.
      const both = { hashedPassword: user.hashed_password, isVerified: true };
      expect(await users.update(user, { is_active: false }, both)).toBeNull();
      expect(
        await users.update(user, { is_active: false }, { ...both, isVerified: false }),
      ).toMatchObject({ is_active: false, is_verified: false });
    },
  ),
  defineStoreCase(
    'STORE-USER-011',
    'gives exactly one of concurrent updates conditioned on is_verified the win',
    async ({ users, newUser, concurrency }) => {
      const user = await newUser();
      const results = await Promise.all(
        Array.from({ length: concurrency }, () =>
          users.update(user, { is_verified: true }, { isVerified: false }),
        ),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await users.get(user.id))?.is_verified).toBe(true);
    },
  ),
];
