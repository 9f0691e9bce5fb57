import { hash as argon2Hash } from '@node-rs/argon2';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { decodeJwt } from 'jose';
import { describe, expect, test, vi } from 'vitest';
import { fastHasher } from '../test/app';
import { createMemoryUserStore } from '../test/memory-store';
import { ErrorCode, InvalidPasswordError } from './errors';
import type { UserManagerHooks } from './hooks';
import { fromFetchRequest } from './http/request';
import { createJwtCodec } from './jwt';
import { UserManager } from './manager';
import type { User, UserCreateData } from './types';

const SECRET = 'manager-test-secret-manager-test-secret';
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const EMAIL = 'King.Arthur@camelot.bt';
const LANCELOT = 'lancelot@camelot.bt';
/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, unusable here). */
const ARGON2ID = 2;
const { INVALID_PASSWORD, USER_ALREADY_EXISTS, USER_INACTIVE } = ErrorCode;
const { VERIFY_USER_BAD_TOKEN, VERIFY_USER_ALREADY_VERIFIED, RESET_PASSWORD_BAD_TOKEN } = ErrorCode;
const DEFAULT_FLAGS = { is_active: true, is_superuser: false, is_verified: false };
const FLIPPED_FLAGS = { is_active: false, is_superuser: true, is_verified: true };

const codec = createJwtCodec({ secret: SECRET });
const argon2id = (memoryCost: number, timeCost: number): Promise<string> =>
  argon2Hash(PASSWORD, { algorithm: ARGON2ID, memoryCost, timeCost });
/** A legacy passlib-era hash; cost 4 keeps it fast, the `$2b$` kind is what matters. */
const bcrypt = (): Promise<string> => bcryptHash(PASSWORD, 4);

function setup(hooks: UserManagerHooks = {}) {
  const users = createMemoryUserStore();
  // A plain copy of the frozen hasher, so vi.spyOn can wrap its methods.
  const hasher = { ...fastHasher() };
  const tokens = { verify: [] as string[], reset: [] as string[] };
  const manager = new UserManager({
    users,
    passwordHasher: hasher,
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
    validatePassword: (password) => {
      if (password.length < 8) throw new InvalidPasswordError('At least 8 characters');
    },
    hooks: {
      onAfterRequestVerify: (_user, token) => void tokens.verify.push(token),
      onAfterForgotPassword: (_user, token) => void tokens.reset.push(token),
      ...hooks,
    },
  });
  const stored = (user: User): User => users.rows.get(String(user.id)) as User;
  const insert = (data: Partial<UserCreateData>): Promise<User> =>
    users.create({ email: EMAIL, hashed_password: '', ...data });
  const register = (data: Record<string, unknown> = {}, safe = false): Promise<User> =>
    manager.create({ email: EMAIL, password: PASSWORD, ...data }, { safe });
  const login = (password = PASSWORD, username = EMAIL): Promise<User | null> =>
    manager.authenticate({ username, password });
  /** The token the hook received from `forgotPassword` / `requestVerify`. */
  const resetToken = (user: User) =>
    manager.forgotPassword(user).then(() => tokens.reset.at(-1) ?? '');
  const verifyToken = (user: User) =>
    manager.requestVerify(user).then(() => tokens.verify.at(-1) ?? '');
  const helpers = { stored, insert, register, login, resetToken, verifyToken };
  return { users, hasher, manager, tokens, ...helpers };
}

/** Re-signs a real token's claims with some claims replaced (same secret). */
async function resign(token: string, patch: Record<string, unknown>): Promise<string> {
  return codec.sign({ ...decodeJwt(token), ...patch }, null);
}

const code = (value: string) => expect.objectContaining({ code: value });
const rejects = (p: Promise<unknown>, value: string) => expect(p).rejects.toEqual(code(value));

describe('UserManager.create', () => {
  test('refuses a duplicate email in any case, after validating the password', async () => {
    const { register } = setup();
    await register();
    await rejects(register({ email: 'king.arthur@CAMELOT.bt' }), USER_ALREADY_EXISTS);
    await rejects(register({ password: 'short' }), INVALID_PASSWORD);
  });

  test('a safe create ignores the flags and id; an unsafe one honours the flags', async () => {
    const { register, stored } = setup();
    const safe = await register({ ...FLIPPED_FLAGS, id: 'chosen' }, true);
    expect(stored(safe)).toMatchObject(DEFAULT_FLAGS);
    const unsafe = await register({ ...FLIPPED_FLAGS, id: 'chosen', email: LANCELOT });
    expect(stored(unsafe)).toMatchObject(FLIPPED_FLAGS);
    expect([safe.id, unsafe.id]).not.toContain('chosen');
  });

  test('calls onAfterRegister once with the user and the request', async () => {
    const onAfterRegister = vi.fn();
    const { manager } = setup({ onAfterRegister });
    const request = fromFetchRequest(new Request('http://app.test/auth/register'));
    const user = await manager.create({ email: EMAIL, password: PASSWORD }, { request });
    expect(onAfterRegister).toHaveBeenCalledTimes(1);
    expect(onAfterRegister.mock.calls[0]?.[0]).toMatchObject({ id: user.id, email: EMAIL });
    expect(onAfterRegister.mock.calls[0]?.[1]).toBe(request);
  });

  test('stores a hash that is not the password and verifies it', async () => {
    const { register, stored, hasher } = setup();
    const { hashed_password } = stored(await register());
    expect(hashed_password).not.toContain(PASSWORD);
    expect(hashed_password).toMatch(/^\$argon2id\$/);
    expect(await hasher.verify(PASSWORD, hashed_password)).toBe(true);
  });
});

describe('UserManager.authenticate', () => {
  test('hashes the supplied password for an unknown email and returns null', async () => {
    const { manager, hasher } = setup();
    const hash = vi.spyOn(hasher, 'hash');
    const credentials = { username: 'nobody@example.com', password: PASSWORD };
    expect(await manager.authenticate(credentials)).toBeNull();
    expect(hash).toHaveBeenCalledTimes(1);
    expect(hash).toHaveBeenCalledWith(PASSWORD, undefined);
  });

  test('returns null for a wrong password', async () => {
    const { register, login } = setup();
    await register();
    expect(await login(NEW_PASSWORD)).toBeNull();
    expect(await login()).not.toBeNull();
  });

  test('treats a username with U+0000 as unknown: no store lookup, still hashes', async () => {
    const { manager, register, hasher, users } = setup();
    await register();
    const hash = vi.spyOn(hasher, 'hash');
    const lookup = vi.spyOn(users, 'getByEmail');
    const credentials = { username: `${EMAIL}\u0000`, password: PASSWORD };
    expect(await manager.authenticate(credentials)).toBeNull();
    expect(lookup).not.toHaveBeenCalled();
    expect(hash).toHaveBeenCalledWith(PASSWORD, undefined);
  });

  test('logs a legacy bcrypt user in and rehashes the password to argon2id', async () => {
    const { insert, stored, hasher, login } = setup();
    const user = await insert({ hashed_password: await bcrypt() });
    expect(await login()).toMatchObject({ id: user.id });
    const { hashed_password } = stored(user);
    expect(hashed_password).toMatch(/^\$argon2id\$/);
    expect(await hasher.verify(PASSWORD, hashed_password)).toBe(true);
  });

  test('upgrades a lower-cost argon2id hash and keeps a higher-cost one', async () => {
    const { insert, stored, login } = setup();
    const weak = await insert({ hashed_password: await argon2id(256, 1) });
    const strongHash = await argon2id(2048, 2);
    const strong = await insert({ email: LANCELOT, hashed_password: strongHash });
    expect(await login()).not.toBeNull();
    expect(await login(PASSWORD, LANCELOT)).not.toBeNull();
    expect(stored(weak).hashed_password).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(stored(strong).hashed_password).toBe(strongHash);
  });

  test('rehashes on login for an inactive user too', async () => {
    const { insert, stored, login } = setup();
    const user = await insert({ hashed_password: await bcrypt(), is_active: false });
    expect(await login()).toMatchObject({ is_active: false });
    expect(stored(user).hashed_password).toMatch(/^\$argon2id\$/);
  });
});

describe('UserManager.update', () => {
  test('a safe update ignores is_active, is_superuser and is_verified', async () => {
    const { manager, register, stored } = setup();
    const user = await register();
    await manager.update(FLIPPED_FLAGS, user, { safe: true });
    expect(stored(user)).toMatchObject(DEFAULT_FLAGS);
    await manager.update(FLIPPED_FLAGS, user, { safe: false });
    expect(stored(user)).toMatchObject(FLIPPED_FLAGS);
  });

  test('an email change resets is_verified; resending the same email does not', async () => {
    const { manager, register, stored } = setup();
    const user = await register({ is_verified: true });
    await manager.update({ email: EMAIL }, user, { safe: true });
    expect(stored(user).is_verified).toBe(true);
    await manager.update({ email: LANCELOT }, user, { safe: true });
    expect(stored(user)).toMatchObject({ email: LANCELOT, is_verified: false });
  });

  test('an unsafe update with a new email and is_verified true ends verified', async () => {
    const { manager, register, stored } = setup();
    const user = await register();
    await manager.update({ email: LANCELOT, is_verified: true }, user);
    expect(stored(user)).toMatchObject({ email: LANCELOT, is_verified: true });
  });

  test('an unsafe update ends verified whatever the key order of the input', async () => {
    const { manager, register, stored } = setup();
    const user = await register();
    await manager.update({ is_verified: true, email: LANCELOT }, user);
    expect(stored(user)).toMatchObject({ email: LANCELOT, is_verified: true });
  });

  test('a case-only change of the own local part is USER_ALREADY_EXISTS (kept from upstream)', async () => {
    const { manager, register, stored } = setup();
    const user = await register();
    await rejects(manager.update({ email: 'king.arthur@camelot.bt' }, user), USER_ALREADY_EXISTS);
    expect(stored(user).email).toBe(EMAIL);
  });

  test('validates and hashes a new password; password null keeps the hash', async () => {
    const { manager, register, stored, hasher } = setup();
    const user = await register();
    const before = stored(user).hashed_password;
    await rejects(manager.update({ password: 'short' }, user), INVALID_PASSWORD);
    expect(stored(user).hashed_password).toBe(before);
    await manager.update({ password: NEW_PASSWORD }, user, { safe: true });
    const after = stored(user).hashed_password;
    expect(after).not.toContain(NEW_PASSWORD);
    expect(await hasher.verify(NEW_PASSWORD, after)).toBe(true);
    expect(await hasher.verify(PASSWORD, after)).toBe(false);
    await manager.update({ password: null }, user, { safe: true });
    expect(stored(user).hashed_password).toBe(after);
    expect(stored(user)).not.toHaveProperty('password');
  });

  test('onAfterUpdate gets the update without the plaintext password, {} too (upstream passes it)', async () => {
    const onAfterUpdate = vi.fn();
    const { manager, register } = setup({ onAfterUpdate });
    const user = await register();
    const request = fromFetchRequest(new Request('http://app.test/users/me'));
    const input = { password: NEW_PASSWORD, email: LANCELOT };
    await manager.update(input, user, { safe: true, request });
    expect(onAfterUpdate).toHaveBeenCalledTimes(1);
    const [updated, dict, req] = onAfterUpdate.mock.calls[0] ?? [];
    expect(updated).toMatchObject({ id: user.id, email: LANCELOT });
    expect(dict).toEqual({ email: LANCELOT });
    expect(req).toBe(request);
    await manager.update({}, user, { safe: true });
    expect(onAfterUpdate).toHaveBeenCalledTimes(2);
    const last = onAfterUpdate.mock.lastCall ?? [];
    expect(last.slice(0, 2)).toEqual([expect.objectContaining({ id: user.id }), {}]);
  });
});

describe('UserManager verification', () => {
  test('requestVerify refuses inactive and already verified users', async () => {
    const { manager, insert, tokens } = setup();
    const inactive = await insert({ email: 'inactive@camelot.bt', is_active: false });
    const verified = await insert({ email: 'verified@camelot.bt', is_verified: true });
    await rejects(manager.requestVerify(inactive), USER_INACTIVE);
    await rejects(manager.requestVerify(verified), VERIFY_USER_ALREADY_VERIFIED);
    expect(tokens.verify).toHaveLength(0);
  });

  test('the token handed to onAfterRequestVerify verifies the user once', async () => {
    const onAfterVerify = vi.fn();
    const { manager, register, stored, verifyToken } = setup({ onAfterVerify });
    const user = await register();
    const token = await verifyToken(user);
    expect(await manager.verify(token)).toMatchObject({ id: user.id, is_verified: true });
    expect(stored(user).is_verified).toBe(true);
    expect(onAfterVerify).toHaveBeenCalledTimes(1);
    await rejects(manager.verify(token), VERIFY_USER_ALREADY_VERIFIED);
  });

  test('of concurrent verifies with one token exactly one wins and runs onAfterVerify', async () => {
    const onAfterVerify = vi.fn();
    const { manager, register, stored, verifyToken } = setup({ onAfterVerify });
    const user = await register();
    const token = await verifyToken(user);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => manager.verify(token)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const losers = results.filter((r) => r.status === 'rejected');
    expect(losers).toEqual(
      Array(4).fill({ status: 'rejected', reason: code(VERIFY_USER_ALREADY_VERIFIED) }),
    );
    expect(onAfterVerify).toHaveBeenCalledTimes(1);
    expect(stored(user).is_verified).toBe(true);
  });

  test('a verify token of a user deleted before the write is a bad token', async () => {
    const onAfterVerify = vi.fn();
    const { manager, register, users, verifyToken } = setup({ onAfterVerify });
    const user = await register();
    const token = await verifyToken(user);
    // Deleted between the lookup and the write: the conditional update finds no row.
    const getByEmail = users.getByEmail.bind(users);
    users.getByEmail = async (email) => {
      const found = await getByEmail(email);
      await users.delete(user);
      return found;
    };
    await rejects(manager.verify(token), VERIFY_USER_BAD_TOKEN);
    expect(onAfterVerify).not.toHaveBeenCalled();
  });

  test('a verify token dies when the user changes email', async () => {
    const { manager, register, stored, verifyToken } = setup();
    const user = await register();
    const token = await verifyToken(user);
    await manager.update({ email: LANCELOT }, user, { safe: true });
    await rejects(manager.verify(token), VERIFY_USER_BAD_TOKEN);
    expect(stored(user).is_verified).toBe(false);
  });

  test('refuses garbage, expired, wrong-audience, wrong-key and wrong-sub verify tokens', async () => {
    const { manager, register } = setup();
    const user = await register();
    const claims = { sub: String(user.id), email: EMAIL, aud: 'portcullis:verify' };
    const otherCodec = createJwtCodec({ secret: `${SECRET}!` });
    const expired = await codec.sign(claims, -60);
    const foreign = await codec.sign({ ...claims, aud: 'portcullis:reset' }, 3600);
    const otherKey = await otherCodec.sign(claims, 3600);
    // Another account's id with this email (e.g. the email was re-registered), or no id at all.
    const otherSub = await codec.sign({ ...claims, sub: crypto.randomUUID() }, 3600);
    const junkSub = await codec.sign({ ...claims, sub: 'not-an-id' }, 3600);
    for (const token of ['garbage', '', expired, foreign, otherKey, otherSub, junkSub]) {
      await rejects(manager.verify(token), VERIFY_USER_BAD_TOKEN);
    }
    // Control: the same claims, fresh, with the right audience and key, are accepted.
    const fresh = await codec.sign(claims, 3600);
    expect(await manager.verify(fresh)).toMatchObject({ is_verified: true });
  });

  test('an inactive user can be verified (kept from upstream)', async () => {
    const { manager, register, users, verifyToken } = setup();
    const user = await register();
    const token = await verifyToken(user);
    await users.update(user, { is_active: false });
    expect(await manager.verify(token)).toMatchObject({ is_active: false, is_verified: true });
  });
});

describe('UserManager password reset', () => {
  test('forgotPassword refuses an inactive user', async () => {
    const { manager, insert, tokens } = setup();
    const user = await insert({ is_active: false });
    await rejects(manager.forgotPassword(user), USER_INACTIVE);
    expect(tokens.reset).toHaveLength(0);
  });

  test('a reset token sets the password once', async () => {
    const onAfterResetPassword = vi.fn();
    const { manager, register, resetToken, login } = setup({ onAfterResetPassword });
    const user = await register();
    const token = await resetToken(user);
    expect(await manager.resetPassword(token, NEW_PASSWORD)).toMatchObject({ id: user.id });
    expect(onAfterResetPassword).toHaveBeenCalledTimes(1);
    expect(await login(NEW_PASSWORD)).not.toBeNull();
    expect(await login()).toBeNull();
    await rejects(manager.resetPassword(token, PASSWORD), RESET_PASSWORD_BAD_TOKEN);
  });

  test('a reset token dies on any hash change: update or login rehash (kept from upstream)', async () => {
    const { manager, insert, stored, resetToken, login } = setup();
    const user = await insert({ hashed_password: await bcrypt() });
    const beforeRehash = await resetToken(user);
    expect(await login()).not.toBeNull();
    expect(stored(user).hashed_password).toMatch(/^\$argon2id\$/);
    await rejects(manager.resetPassword(beforeRehash, NEW_PASSWORD), RESET_PASSWORD_BAD_TOKEN);
    const beforeUpdate = await resetToken(user);
    await manager.update({ password: NEW_PASSWORD }, user, { safe: true });
    await rejects(manager.resetPassword(beforeUpdate, 'yet another one'), RESET_PASSWORD_BAD_TOKEN);
  });

  test('a password refused by the policy leaves the token usable', async () => {
    const { manager, register, stored, resetToken } = setup();
    const user = await register();
    const before = stored(user).hashed_password;
    const token = await resetToken(user);
    await rejects(manager.resetPassword(token, 'short'), INVALID_PASSWORD);
    expect(stored(user).hashed_password).toBe(before);
    expect(await manager.resetPassword(token, NEW_PASSWORD)).toMatchObject({ id: user.id });
  });

  test('refuses the token of a deleted user or of an inactive user', async () => {
    const { manager, register, insert, users, resetToken } = setup();
    const gone = await register();
    const goneToken = await resetToken(gone);
    await manager.delete(gone);
    const sleeper = await insert({ email: 'sleeper@camelot.bt', hashed_password: 'x' });
    const sleeperToken = await resetToken(sleeper);
    await users.update(sleeper, { is_active: false });
    await rejects(manager.resetPassword(goneToken, NEW_PASSWORD), RESET_PASSWORD_BAD_TOKEN);
    await rejects(manager.resetPassword(sleeperToken, NEW_PASSWORD), RESET_PASSWORD_BAD_TOKEN);
  });

  test('of two concurrent resets with one token exactly one wins', async () => {
    const { manager, register, stored, hasher, resetToken } = setup();
    const user = await register();
    const token = await resetToken(user);
    const passwords = ['first new password', 'second new password'];
    const results = await Promise.allSettled(passwords.map((p) => manager.resetPassword(token, p)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const won = results.findIndex((r) => r.status === 'fulfilled');
    const lost = results[1 - won];
    expect(lost).toEqual({ status: 'rejected', reason: code(RESET_PASSWORD_BAD_TOKEN) });
    expect(await hasher.verify(passwords[won] ?? '', stored(user).hashed_password)).toBe(true);
  });

  test('reset and verify tokens are not interchangeable (audiences)', async () => {
    const { manager, register, resetToken, verifyToken } = setup();
    const user = await register();
    const reset = await resetToken(user);
    const verify = await verifyToken(user);
    const resetAsVerify = await resign(reset, { aud: 'portcullis:verify' });
    const verifyAsReset = await resign(verify, { aud: 'portcullis:reset' });
    await rejects(manager.resetPassword(resetAsVerify, NEW_PASSWORD), RESET_PASSWORD_BAD_TOKEN);
    await rejects(manager.verify(verifyAsReset), VERIFY_USER_BAD_TOKEN);
    await rejects(manager.verify(reset), VERIFY_USER_BAD_TOKEN);
    await rejects(manager.resetPassword(verify, NEW_PASSWORD), RESET_PASSWORD_BAD_TOKEN);
    // Control: re-signed with its own audience, the reset token still works.
    const again = await resign(reset, {});
    expect(await manager.resetPassword(again, NEW_PASSWORD)).toMatchObject({ id: user.id });
  });
});

describe('UserManager.delete', () => {
  test('runs onBeforeDelete, deletes, then runs onAfterDelete', async () => {
    const log: string[] = [];
    const exists = (user: User): boolean => ctx.users.rows.has(String(user.id));
    const ctx = setup({
      onBeforeDelete: (user) => void log.push(`before:${exists(user)}`),
      onAfterDelete: (user) => void log.push(`after:${exists(user)}`),
    });
    const user = await ctx.register();
    await ctx.manager.delete(user);
    expect(log).toEqual(['before:true', 'after:false']);
    expect(await ctx.users.get(user.id)).toBeNull();
  });
});
