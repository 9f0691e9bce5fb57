import { defineUserFields, ErrorCode, isPortcullisError, type User } from '@portcullis/core';
import { type Db, MongoClient, ObjectId, UUID } from 'mongodb';
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import {
  createMongoAccessTokenStore,
  createMongoMfaStore,
  createMongoPasskeyStore,
  createMongoUserStore,
  ensureIndexes,
  type MongoStoreOptions,
} from '../src/index';
import { HASH } from './helpers';
import { targets } from './targets';

const account = (overrides: Record<string, unknown> = {}) => ({
  oauth_name: 'google',
  access_token: 'ya29.token',
  expires_at: 1_900_000_000,
  refresh_token: null,
  account_id: '1',
  account_email: 'arthur@gmail.example',
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.each(targets)('MongoDB user store on the $name', (target) => {
  let db: Db;
  let close: () => Promise<void>;
  let counter = 0;
  const email = (tag = 'user'): string =>
    `${tag}.${Date.now().toString(36)}${++counter}@camelot.bt`;
  beforeAll(async () => {
    ({ db, close } = await target.open());
    await ensureIndexes(db, { accessTokenLifetimeSeconds: 3600 });
    await ensureIndexes(db, { collections: { users: 'UuidUser', accessTokens: 'UuidToken' } });
  });
  afterAll(() => close());

  const stores = (options: MongoStoreOptions = {}) => ({
    users: createMongoUserStore(db, options),
    tokens: createMongoAccessTokenStore(db, options),
  });

  test('stores documents in the Beanie layout: ObjectId ids, embedded accounts', async () => {
    const { users, tokens } = stores();
    const user = await users.create({ email: email('beanie'), hashed_password: HASH });
    await users.addOAuthAccount(user, account({ account_id: `b-${counter}` }));
    await tokens.create({ token: `tok-beanie-${counter}`, user_id: user.id });
    const doc = await db
      .collection('User')
      .findOne({ _id: { $eq: new ObjectId(String(user.id)) } });
    expect(doc).toMatchObject({
      email: user.email,
      hashed_password: HASH,
      is_active: true,
      is_superuser: false,
      is_verified: false,
    });
    expect(doc?.oauth_accounts[0].id).toBeInstanceOf(ObjectId);
    const token = await db.collection('AccessToken').findOne({ token: `tok-beanie-${counter}` });
    expect(token?.user_id).toBeInstanceOf(ObjectId);
    expect(token?.created_at).toBeInstanceOf(Date);
    expect(user.id).toMatch(/^[0-9a-f]{24}$/);
  });

  test('UUID ids: stored as BSON UUIDs, parsed from any usual spelling', async () => {
    const options = {
      idType: 'uuid' as const,
      collections: { users: 'UuidUser', accessTokens: 'UuidToken' },
    };
    const { users } = stores(options);
    const user = await users.create({ email: email('uuid'), hashed_password: HASH });
    expect(user.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const doc = await db
      .collection<{ _id: UUID }>('UuidUser')
      .findOne({ _id: { $eq: new UUID(String(user.id)) } });
    expect(doc?._id).toBeInstanceOf(UUID);
    const upper = `{${String(user.id).toUpperCase()}}`;
    expect(await users.get(users.parseId(upper) as string)).toEqual(user);
    expect(users.parseId(new ObjectId().toHexString())).toBeNull();
  });

  test('malformed ids are "not found", never a driver error', async () => {
    const { users, tokens } = stores();
    const ghost = { id: 'aaaaaaaaaaaa', email: 'x@camelot.bt' } as unknown as User;
    // 12 characters pass ObjectId.isValid as raw bytes; they are not an id here.
    for (const id of ['aaaaaaaaaaaa', 'zz', '', '0'.repeat(25), '{"$ne":null}']) {
      expect(users.parseId(id)).toBeNull();
      expect(await users.get(id)).toBeNull();
    }
    expect(await users.update(ghost, { is_verified: true })).toBeNull();
    await expect(users.delete(ghost)).resolves.toBeUndefined();
    expect(await tokens.deleteAllForUser('aaaaaaaaaaaa')).toBe(0);
    const error = await rejection(tokens.create({ token: 't', user_id: 'aaaaaaaaaaaa' }));
    expect(error).toMatchObject({ code: ErrorCode.USER_NOT_EXISTS });
  });

  test('matches OAuth lookups within one embedded account (not across two, as upstream does)', async () => {
    const { users } = stores();
    const n = counter;
    const user = await users.create({ email: email('elem'), hashed_password: HASH });
    await users.addOAuthAccount(user, account({ oauth_name: 'google', account_id: `g-${n}` }));
    await users.addOAuthAccount(user, account({ oauth_name: 'github', account_id: `h-${n}` }));
    // Upstream's dotted query would match google from one account and h-… from the other.
    expect(await users.getByOAuthAccount('google', `h-${n}`)).toBeNull();
    expect(await users.getByOAuthAccount('github', `g-${n}`)).toBeNull();
    expect((await users.getByOAuthAccount('github', `h-${n}`))?.id).toBe(user.id);
  });

  test('refuses an OAuth account linked to two users instead of picking one', async () => {
    const { users } = stores();
    const shared = `shared-${counter}`;
    for (const tag of ['one', 'two']) {
      const user = await users.create({ email: email(tag), hashed_password: HASH });
      await users.addOAuthAccount(user, account({ account_id: shared }));
    }
    expect(await rejection(users.getByOAuthAccount('google', shared))).toMatchObject({
      code: ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED,
    });
  });

  test('operator-shaped values never act as operators', async () => {
    const { users, tokens } = stores();
    const victim = await users.create({ email: email('victim'), hashed_password: HASH });
    const injection = { $ne: null } as unknown as string;
    expect(await users.getByEmail(injection)).toBeNull();
    expect(await users.getByEmail('{"$ne": null}')).toBeNull();
    expect(await users.getByOAuthAccount(injection, injection)).toBeNull();
    expect(await tokens.getByToken(injection)).toBeNull();
    expect(await tokens.delete(injection)).toBe(false);
    const created = rejection(users.create({ email: injection, hashed_password: HASH }));
    expect(await created).toMatchObject({ code: ErrorCode.BAD_REQUEST, status: 400 });
    const promoted = rejection(
      users.update(victim, { is_superuser: injection as unknown as boolean }),
    );
    expect(await promoted).toMatchObject({ code: ErrorCode.BAD_REQUEST });
    expect((await users.get(victim.id))?.is_superuser).toBe(false);
  });

  test('types its users from the declaration and reads a missing field as null', async () => {
    const users = createMongoUserStore(db, {
      userFields: defineUserFields({ nickname: z.string().nullable() }),
    });
    const user = await users.create({ email: email('typed'), hashed_password: HASH });
    expectTypeOf(user.nickname).toEqualTypeOf<string | null>();
    expect(user.nickname).toBeNull();
    const named = await users.update(user, { nickname: 'Kay' });
    expect((await users.get(user.id))?.nickname).toBe('Kay');
    expect(named?.nickname).toBe('Kay');
  });

  test('custom field values are stored as values, whatever their shape', async () => {
    const users = createMongoUserStore(db, {
      userFields: defineUserFields({ nickname: z.unknown().optional() }),
    });
    const odd = { $gt: '' };
    const user = await users.create({ email: email('odd'), hashed_password: HASH, nickname: odd });
    expect((await users.get(user.id))?.nickname).toEqual(odd);
    expect(user.nickname).toEqual(odd);
  });

  test('ignores keys that are not fields: password, dotted paths, operators', async () => {
    const { users } = stores();
    const user = await users.create({
      email: email('keys'),
      hashed_password: HASH,
      password: 'plaintext',
      'is_superuser.$': true,
      $where: 'sleep(1000)',
    } as never);
    const doc = await db
      .collection('User')
      .findOne({ _id: { $eq: new ObjectId(String(user.id)) } });
    expect(Object.keys(doc ?? {}).sort()).toEqual(
      [
        '_id',
        'email',
        'hashed_password',
        'is_active',
        'is_superuser',
        'is_verified',
        'oauth_accounts',
      ].sort(),
    );
  });

  test('a duplicate email is USER_ALREADY_EXISTS; the driver error is the cause', async () => {
    const { users } = stores();
    const address = email('Dup');
    await users.create({ email: address, hashed_password: HASH });
    const error = await rejection(
      users.create({ email: address.toUpperCase(), hashed_password: HASH }),
    );
    expect(isPortcullisError(error)).toBe(true);
    expect(error).toMatchObject({ code: ErrorCode.USER_ALREADY_EXISTS, status: 400 });
    expect((error as Error).message.toLowerCase()).not.toContain('dup.');
    expect((error as { cause: { code: number } }).cause.code).toBe(11000);
  });

  test('keeps emails differing only in accents apart (strength 2)', async () => {
    const { users } = stores();
    const n = ++counter;
    const plain = await users.create({ email: `rene.${n}@camelot.bt`, hashed_password: HASH });
    const accented = await users.create({ email: `rené.${n}@camelot.bt`, hashed_password: HASH });
    expect((await users.getByEmail(`RENE.${n}@camelot.bt`))?.id).toBe(plain.id);
    expect((await users.getByEmail(`RENÉ.${n}@camelot.bt`))?.id).toBe(accented.id);
  });

  test('deleting a user deletes its sessions, second factor and passkeys, and nobody else’s', async () => {
    const { users, tokens } = stores();
    const mfa = createMongoMfaStore(db);
    const passkeys = createMongoPasskeyStore(db);
    const owned = async (tag: string) => {
      const user = await users.create({ email: email(tag), hashed_password: HASH });
      await tokens.create({ token: `tok-${tag}-${counter}`, user_id: user.id });
      await mfa.setPendingSecret(user.id, `v1.${tag}`);
      await passkeys.create({
        id: `pk-${tag}-${counter}`,
        user_id: user.id,
        credential_id: `cred-${tag}-${counter}`,
        public_key: new Uint8Array([1, 2, 3]),
        counter: 0,
        transports: ['internal'],
        name: tag,
      });
      return user;
    };
    const gone = await owned('gone');
    const kept = await owned('kept');
    await users.delete(gone);
    for (const [user, left] of [
      [gone, 0],
      [kept, 1],
    ] as const) {
      const stored = new ObjectId(String(user.id));
      expect(
        await db
          .collection('AccessToken')
          .find({ user_id: { $eq: stored } })
          .toArray(),
      ).toHaveLength(left);
      expect(
        await db
          .collection('MfaFactor')
          .find({ _id: { $eq: stored } })
          .toArray(),
      ).toHaveLength(left);
      expect(await passkeys.listForUser(user.id)).toHaveLength(left);
    }
    expect((await mfa.get(kept.id))?.pending_secret).toBe('v1.kept');
  });
});

describe('MongoDB stores when the server is unreachable', () => {
  let client: MongoClient;
  beforeAll(() => {
    // Nothing listens on port 9: the driver's own server-selection error, quickly.
    client = new MongoClient('mongodb://127.0.0.1:9/portcullis', { serverSelectionTimeoutMS: 200 });
  });
  afterAll(() => client.close());

  test('every store call is SERVICE_UNAVAILABLE (503), never "not found"', async () => {
    const db = client.db();
    const users = createMongoUserStore(db);
    const tokens = createMongoAccessTokenStore(db);
    const id = new ObjectId().toHexString();
    for (const call of [
      () => users.get(id),
      () => users.getByEmail('arthur@camelot.bt'),
      () => users.create({ email: 'arthur@camelot.bt', hashed_password: HASH }),
      () => tokens.getByToken('token'),
      () => ensureIndexes(db),
    ]) {
      const error = await rejection(call());
      expect(error).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, status: 503 });
      // The first call fails server selection; the driver then reports its topology closed.
      expect((error as { cause: Error }).cause.name).toMatch(
        /^Mongo(ServerSelection|TopologyClosed)Error$/,
      );
    }
  });
});
