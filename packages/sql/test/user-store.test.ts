import type { OAuthAccount, OAuthAccountData, User } from '@portcullis/core';
import { ErrorCode, isPortcullisError } from '@portcullis/core';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import { createSqlAccessTokenStore, createSqlUserStore } from '../src/index';
import type { TestFiles } from './helpers';
import { createTestFiles, HASH } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let files: TestFiles;
let db: Kysely<PortcullisDatabase>;

beforeAll(async () => {
  files = await createTestFiles();
  ({ db } = await files.migrated());
});
afterAll(() => files.cleanup());

async function expectCode(promise: Promise<unknown>, code: string): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPortcullisError(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error;
}

describe('createSqlUserStore', () => {
  it('creates a user with the database defaults, a UUID id and real booleans', async () => {
    const users = createSqlUserStore(db);
    const user = await users.create({ email: 'lancelot@camelot.bt', hashed_password: HASH });
    expect(user).toEqual({
      id: expect.stringMatching(UUID),
      email: 'lancelot@camelot.bt',
      hashed_password: HASH,
      is_active: true,
      is_superuser: false,
      is_verified: false,
    });
    const raw = await sql<{
      is_active: unknown;
    }>`select is_active from "user" where id = ${user.id}`.execute(db);
    // Stored as SQLite's 1, handed out as true.
    expect(raw.rows[0]?.is_active).toBe(1);
  });

  it('writes the flags it is given and ignores keys that are not columns', async () => {
    const users = createSqlUserStore(db);
    const user = await users.create({
      email: 'galahad@camelot.bt',
      hashed_password: HASH,
      password: 'plaintext',
      is_active: false,
      is_superuser: true,
      is_verified: true,
    });
    expect(user).toMatchObject({ is_active: false, is_superuser: true, is_verified: true });
    expect(user).not.toHaveProperty('password');
    expect(await users.get(user.id)).toEqual(user);
  });

  it('finds a user by email whatever the case, keeping the email as given', async () => {
    const users = createSqlUserStore(db);
    const created = await users.create({ email: 'King.Arthur@camelot.bt', hashed_password: HASH });
    const found = await users.getByEmail('KING.arthur@Camelot.bt');
    expect(found?.id).toBe(created.id);
    expect(found?.email).toBe('King.Arthur@camelot.bt');
    expect(await users.getByEmail('king.arthur@camelot.b')).toBeNull();
  });

  it('folds ASCII letters only on SQLite (documented limitation)', async () => {
    // SQLite's lower() leaves non-ASCII letters alone, in the index and in lookups alike, so
    // these are two accounts, as with FastAPI Users on SQLite. See the README.
    const users = createSqlUserStore(db);
    const upper = await users.create({ email: 'ДМИТРИЙ@camelot.bt', hashed_password: HASH });
    const lower = await users.create({ email: 'дмитрий@camelot.bt', hashed_password: HASH });
    expect(upper.id).not.toBe(lower.id);
    expect((await users.getByEmail('ДМИТРИЙ@CAMELOT.BT'))?.id).toBe(upper.id);
  });

  it('treats LIKE wildcards in an email lookup literally', async () => {
    const users = createSqlUserStore(db);
    await users.create({ email: 'percival@camelot.bt', hashed_password: HASH });
    expect(await users.getByEmail('%@camelot.bt')).toBeNull();
    expect(await users.getByEmail('percival@camelot._t')).toBeNull();
  });

  it('rejects a case variant of a taken email with USER_ALREADY_EXISTS, without the email', async () => {
    const users = createSqlUserStore(db);
    await users.create({ email: 'gawain@camelot.bt', hashed_password: HASH });
    const error = await expectCode(
      users.create({ email: 'GAWAIN@camelot.bt', hashed_password: HASH }),
      ErrorCode.USER_ALREADY_EXISTS,
    );
    expect((error as Error).message.toLowerCase()).not.toContain('gawain');
    expect((error as Error).cause).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    const count = await db
      .selectFrom('user')
      .select(db.fn.countAll().as('n'))
      .where('email', 'like', 'gawain@%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('rejects an update to a taken email with USER_ALREADY_EXISTS and leaves the row alone', async () => {
    const users = createSqlUserStore(db);
    await users.create({ email: 'tristan@camelot.bt', hashed_password: HASH });
    const other = await users.create({ email: 'isolde@camelot.bt', hashed_password: HASH });
    await expectCode(
      users.update(other, { email: 'Tristan@Camelot.bt' }),
      ErrorCode.USER_ALREADY_EXISTS,
    );
    expect((await users.get(other.id))?.email).toBe('isolde@camelot.bt');
  });

  it('updates only column keys and returns the re-read row', async () => {
    const users = createSqlUserStore(db);
    const user = await users.create({ email: 'bedivere@camelot.bt', hashed_password: HASH });
    const updated = await users.update(user, {
      email: 'Bedivere@camelot.bt',
      is_verified: true,
      password: 'ignored',
      oauth_accounts: [],
    });
    expect(updated).toEqual({ ...user, email: 'Bedivere@camelot.bt', is_verified: true });
    expect(await users.get(user.id)).toEqual(updated);
  });

  it('applies a compare-and-set update only while the hash is unchanged', async () => {
    const users = createSqlUserStore(db);
    const user = await users.create({ email: 'kay@camelot.bt', hashed_password: 'old-hash' });
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
  });

  it('answers an empty update with the current row, honouring the condition', async () => {
    const users = createSqlUserStore(db);
    const user = await users.create({ email: 'mordred@camelot.bt', hashed_password: 'h1' });
    expect(await users.update(user, { password: 'x' })).toEqual(user);
    expect(await users.update(user, {}, { hashedPassword: 'other' })).toBeNull();
  });

  it('returns null when updating a user that is gone', async () => {
    const users = createSqlUserStore(db);
    const user = await users.create({ email: 'agravain@camelot.bt', hashed_password: HASH });
    await users.delete(user);
    expect(await users.get(user.id)).toBeNull();
    expect(await users.update(user, { is_verified: true })).toBeNull();
  });

  it('answers junk ids with null instead of throwing', async () => {
    const users = createSqlUserStore(db);
    for (const junk of ['', 'nope', '1', '../etc', "' or 1=1 --", 'x'.repeat(10_000)]) {
      expect(users.parseId(junk)).toBeNull();
      expect(await users.get(junk)).toBeNull();
    }
    expect(await users.get(42)).toBeNull();
  });

  it('finds a user by any accepted spelling of its UUID', async () => {
    const users = createSqlUserStore(db);
    const user = await users.create({ email: 'pellinore@camelot.bt', hashed_password: HASH });
    const id = String(user.id);
    const spelling = `{urn:uuid:${id.replaceAll('-', '').toUpperCase()}}`;
    expect(users.parseId(spelling)).toBe(id);
    expect((await users.get(spelling))?.id).toBe(id);
  });

  it('reads and writes declared custom columns', async () => {
    await sql`alter table "user" add column nickname varchar(50)`.execute(db);
    await sql`alter table "user" add column karma integer not null default 0`.execute(db);
    const users = createSqlUserStore(db, { customColumns: ['nickname', 'karma'] });
    const user = await users.create({
      email: 'dagonet@camelot.bt',
      hashed_password: HASH,
      nickname: 'Fool',
    });
    expect(user).toMatchObject({ nickname: 'Fool', karma: 0 });
    const updated = await users.update(user, { karma: 7, nickname: null });
    expect(updated).toMatchObject({ nickname: null, karma: 7 });
    expect(await users.getByEmail('DAGONET@camelot.bt')).toEqual(updated);
    // A store that was not told about them leaves them out.
    expect(await createSqlUserStore(db).get(user.id)).not.toHaveProperty('karma');
  });

  it('refuses custom columns that would shadow built-in fields or are not identifiers', () => {
    for (const customColumns of [['email'], ['id'], ['oauth_accounts'], ['nick name'], ['a"b']]) {
      expect(() => createSqlUserStore(db, { customColumns })).toThrowError(
        expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
      );
    }
  });
});

/** The linked accounts a store attached to a user (empty when it attached none). */
function linkedAccounts(user: User | null): OAuthAccount[] {
  return (user?.oauth_accounts as OAuthAccount[] | undefined) ?? [];
}

describe('OAuth accounts', () => {
  const account: OAuthAccountData = {
    oauth_name: 'google',
    access_token: `ya29.${'x'.repeat(3000)}`,
    expires_at: 1_900_000_000,
    refresh_token: null,
    account_id: 'g-123',
    account_email: 'arthur@gmail.com',
  };

  it('attaches oauth_accounts only when asked', async () => {
    const plain = createSqlUserStore(db);
    const withAccounts = createSqlUserStore(db, { withOAuthAccounts: true });
    const user = await plain.create({ email: 'uther@camelot.bt', hashed_password: HASH });
    expect(await plain.addOAuthAccount(user, account)).not.toHaveProperty('oauth_accounts');
    const loaded = await withAccounts.get(user.id);
    expect(loaded?.oauth_accounts).toEqual([{ ...account, id: expect.stringMatching(UUID) }]);
  });

  it('stores long provider tokens whole', async () => {
    const users = createSqlUserStore(db, { withOAuthAccounts: true });
    const user = await users.create({ email: 'igraine@camelot.bt', hashed_password: HASH });
    const linked = await users.addOAuthAccount(user, { ...account, account_id: 'g-long' });
    const [stored] = linkedAccounts(linked);
    expect(stored?.access_token).toHaveLength(account.access_token.length);
  });

  it('finds the owner by provider account and updates the link in place', async () => {
    const users = createSqlUserStore(db, { withOAuthAccounts: true });
    const user = await users.create({ email: 'merlin@camelot.bt', hashed_password: HASH });
    await users.addOAuthAccount(user, { ...account, account_id: 'g-merlin' });
    const owner = await users.getByOAuthAccount('google', 'g-merlin');
    expect(owner?.id).toBe(user.id);
    expect(await users.getByOAuthAccount('github', 'g-merlin')).toBeNull();
    const [linked] = linkedAccounts(owner);
    if (linked === undefined) throw new Error('no linked account');
    const data = { access_token: 'fresh', refresh_token: 'refresh', password: 'ignored' };
    const updated = await users.updateOAuthAccount(user, linked, data);
    expect(linkedAccounts(updated)).toEqual([
      {
        ...account,
        account_id: 'g-merlin',
        id: linked.id,
        access_token: 'fresh',
        refresh_token: 'refresh',
      },
    ]);
  });

  it('does not update an account through a user it does not belong to', async () => {
    const users = createSqlUserStore(db, { withOAuthAccounts: true });
    const owner = await users.create({ email: 'nimue@camelot.bt', hashed_password: HASH });
    const intruder = await users.create({ email: 'morgana@camelot.bt', hashed_password: HASH });
    const linked = await users.addOAuthAccount(owner, { ...account, account_id: 'g-nimue' });
    const [entry] = linkedAccounts(linked);
    if (entry === undefined) throw new Error('no linked account');
    await users.updateOAuthAccount(intruder, entry, { access_token: 'stolen' });
    const [reread] = linkedAccounts(await users.get(owner.id));
    expect(reread?.access_token).toBe(account.access_token);
  });

  it('refuses to pick one of two users linked to the same provider account', async () => {
    const users = createSqlUserStore(db);
    const a = await users.create({ email: 'ector@camelot.bt', hashed_password: HASH });
    const b = await users.create({ email: 'lot@camelot.bt', hashed_password: HASH });
    await users.addOAuthAccount(a, { ...account, account_id: 'g-shared' });
    await users.addOAuthAccount(b, { ...account, account_id: 'g-shared' });
    await expectCode(
      users.getByOAuthAccount('google', 'g-shared'),
      ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED,
    );
  });

  it('reports USER_NOT_EXISTS when linking an account to a deleted user', async () => {
    const users = createSqlUserStore(db);
    const user = await users.create({ email: 'balin@camelot.bt', hashed_password: HASH });
    await users.delete(user);
    await expectCode(users.addOAuthAccount(user, account), ErrorCode.USER_NOT_EXISTS);
  });
});

describe('deleting a user', () => {
  it('cascades to its OAuth accounts and access tokens', async () => {
    const users = createSqlUserStore(db);
    const tokens = createSqlAccessTokenStore(db);
    const user = await users.create({ email: 'balan@camelot.bt', hashed_password: HASH });
    const keep = await users.create({ email: 'garlon@camelot.bt', hashed_password: HASH });
    await users.addOAuthAccount(user, {
      oauth_name: 'github',
      access_token: 't',
      expires_at: null,
      refresh_token: null,
      account_id: 'gh-balan',
      account_email: 'balan@camelot.bt',
    });
    await tokens.create({ token: 'balan-token', user_id: user.id });
    await tokens.create({ token: 'garlon-token', user_id: keep.id });
    await users.delete(user);
    expect(await users.get(user.id)).toBeNull();
    expect(await tokens.getByToken('balan-token')).toBeNull();
    expect(await users.getByOAuthAccount('github', 'gh-balan')).toBeNull();
    const orphans = await db
      .selectFrom('oauth_account')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    expect(orphans).toEqual([]);
    expect(await tokens.getByToken('garlon-token')).not.toBeNull();
  });

  it('cascades through the schema itself, not store code', async () => {
    const users = createSqlUserStore(db);
    const tokens = createSqlAccessTokenStore(db);
    const user = await users.create({ email: 'pelles@camelot.bt', hashed_password: HASH });
    await tokens.create({ token: 'pelles-token', user_id: user.id });
    await sql`delete from "user" where id = ${user.id}`.execute(db);
    expect(await tokens.getByToken('pelles-token')).toBeNull();
  });
});
