import type { PasskeyCreateData, PasskeyStore, UserId } from '@portcullis/core';
import { expect } from 'vitest';
import { expectStoreError } from './store-case';

/** What a passkey case runs with. */
export interface PasskeyCaseContext {
  store: PasskeyStore;
  /** A user the store may reference (a real row where the store has foreign keys). */
  newUserId(): Promise<UserId>;
  /** A fresh string, unique to this run. */
  unique(): string;
  concurrency: number;
}

interface PasskeyCase<Id extends string = string> {
  readonly id: Id;
  readonly title: string;
  run(context: PasskeyCaseContext): Promise<void>;
}

const define = <const Id extends string>(
  id: Id,
  title: string,
  run: (context: PasskeyCaseContext) => Promise<void>,
): PasskeyCase<Id> => ({ id, title, run });

function sample(context: PasskeyCaseContext, userId: UserId): PasskeyCreateData {
  return {
    id: `pk-${context.unique()}`,
    user_id: userId,
    credential_id: `cred-${context.unique()}`,
    public_key: Uint8Array.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x00, 0xff]),
    counter: 0,
    transports: ['internal', 'hybrid'],
    name: 'Laptop ✓',
  };
}

const sameId = (a: UserId, b: UserId): boolean => String(a) === String(b);

export const passkeyCases = [
  define('PASSKEY-CRUD-001', 'creates a passkey and reads it back byte for byte', async (c) => {
    const userId = await c.newUserId();
    const data = sample(c, userId);
    const created = await c.store.create(data);
    expect(created.id).toBe(data.id);
    expect(created.created_at).toBeInstanceOf(Date);
    expect(created.last_used_at).toBeNull();
    const found = await c.store.getByCredentialId(data.credential_id);
    expect(found).not.toBeNull();
    expect(sameId(found?.user_id ?? '', userId)).toBe(true);
    expect([...(found?.public_key ?? [])]).toEqual([...data.public_key]);
    expect(found?.public_key).toBeInstanceOf(Uint8Array);
    expect(found?.transports).toEqual(['internal', 'hybrid']);
    expect(found?.name).toBe('Laptop ✓');
    expect(found?.counter).toBe(0);
    expect(await c.store.getByCredentialId(`cred-${c.unique()}`)).toBeNull();
  }),
  define(
    'PASSKEY-CRUD-002',
    'refuses a credential id that is already stored, even for another user',
    async (c) => {
      const first = sample(c, await c.newUserId());
      await c.store.create(first);
      const again = { ...sample(c, await c.newUserId()), credential_id: first.credential_id };
      await expectStoreError(c.store.create(again), 'USER_ALREADY_EXISTS');
    },
  ),
  define('PASSKEY-CRUD-003', "lists a user's passkeys oldest first, nobody else's", async (c) => {
    const userId = await c.newUserId();
    const other = await c.newUserId();
    const a = await c.store.create({ ...sample(c, userId), name: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = await c.store.create({ ...sample(c, userId), name: 'b' });
    await c.store.create(sample(c, other));
    const list = await c.store.listForUser(userId);
    expect(list.map((p) => p.id)).toEqual([a.id, b.id]);
  }),
  define('PASSKEY-USE-001', 'records the counter and the time of a login', async (c) => {
    const data = sample(c, await c.newUserId());
    await c.store.create(data);
    const at = new Date(Date.now() - 1000);
    at.setMilliseconds(0);
    await c.store.recordUse(data.id, 7, at);
    const found = await c.store.getByCredentialId(data.credential_id);
    expect(found?.counter).toBe(7);
    expect(found?.last_used_at?.getTime()).toBe(at.getTime());
    await c.store.recordUse(`pk-${c.unique()}`, 1, at);
  }),
  define(
    'PASSKEY-DELETE-001',
    "deletes a user's own passkey once; another user's id deletes nothing",
    async (c) => {
      const userId = await c.newUserId();
      const data = sample(c, userId);
      await c.store.create(data);
      expect(await c.store.delete(data.id, await c.newUserId())).toBe(false);
      expect(await c.store.getByCredentialId(data.credential_id)).not.toBeNull();
      expect(await c.store.delete(data.id, userId)).toBe(true);
      expect(await c.store.delete(data.id, userId)).toBe(false);
      expect(await c.store.getByCredentialId(data.credential_id)).toBeNull();
    },
  ),
  define('PASSKEY-CHALLENGE-001', 'hands out a challenge once, with its binding', async (c) => {
    const userId = await c.newUserId();
    const key = `key-${c.unique()}`;
    const expires = new Date(Date.now() + 300_000);
    await c.store.putChallenge({
      key,
      challenge: 'Y2hhbGxlbmdl',
      purpose: 'register',
      user_id: userId,
      expires_at: expires,
    });
    const taken = await c.store.takeChallenge(key);
    expect(taken?.challenge).toBe('Y2hhbGxlbmdl');
    expect(taken?.purpose).toBe('register');
    expect(sameId(taken?.user_id ?? '', userId)).toBe(true);
    expect(await c.store.takeChallenge(key)).toBeNull();
    expect(await c.store.takeChallenge(`key-${c.unique()}`)).toBeNull();
  }),
  define('PASSKEY-CHALLENGE-002', 'never hands out an expired challenge', async (c) => {
    const key = `key-${c.unique()}`;
    await c.store.putChallenge({
      key,
      challenge: 'c',
      purpose: 'login',
      user_id: null,
      expires_at: new Date(Date.now() - 1000),
    });
    expect(await c.store.takeChallenge(key)).toBeNull();
  }),
  define(
    'PASSKEY-CHALLENGE-003',
    'of concurrent takes of one challenge exactly one gets it',
    async (c) => {
      const key = `key-${c.unique()}`;
      await c.store.putChallenge({
        key,
        challenge: 'race',
        purpose: 'login',
        user_id: null,
        expires_at: new Date(Date.now() + 300_000),
      });
      const results = await Promise.all(
        Array.from({ length: c.concurrency }, () => c.store.takeChallenge(key)),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    },
  ),
];
