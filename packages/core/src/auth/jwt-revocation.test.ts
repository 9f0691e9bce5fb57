import { decodeJwt } from 'jose';
import { describe, expect, test } from 'vitest';
import { createMemoryRevocationStore } from '../../test/memory-revocation-store';
import { createMemoryUserStore } from '../../test/memory-store';
import { createJwtCodec } from '../jwt';
import { UserManager } from '../manager';
import { createJwtStrategy } from './jwt-strategy';
import { createTokenId, tokenIdIssuedAt } from './revocation';

const SECRET = 'jwt-revocation-test-secret-jwt-revocation';

async function setup(lifetimeSeconds: number | null = 3600) {
  const users = createMemoryUserStore();
  const manager = new UserManager({
    users,
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
  });
  const store = createMemoryRevocationStore();
  const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds, revocation: store });
  const user = await users.create({ email: 'arthur@camelot.bt', hashed_password: 'x' });
  const other = await users.create({ email: 'mordred@camelot.bt', hashed_password: 'x' });
  return { users, manager, store, strategy, user, other };
}

describe('JWT strategy with a revocation store', () => {
  test('without one, tokens keep the upstream claims and there is no revokeAllForUser', () => {
    const plain = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60 });
    expect(plain.revokeAllForUser).toBeUndefined();
  });

  test('writes sub, aud, a UUIDv7 jti and exp', async () => {
    const { strategy, user } = await setup();
    const before = Date.now();
    const claims = decodeJwt(await strategy.writeToken(user));
    expect(Object.keys(claims)).toEqual(['sub', 'aud', 'jti', 'exp']);
    const issued = tokenIdIssuedAt(claims.jti);
    expect(issued).toBeGreaterThanOrEqual(before);
    expect(issued).toBeLessThanOrEqual(Date.now());
  });

  test('logout revokes that token only, until it expires', async () => {
    const { strategy, manager, store, user } = await setup();
    const token = await strategy.writeToken(user);
    const second = await strategy.writeToken(user);
    expect(await strategy.readToken(token, manager)).toMatchObject({ id: user.id });
    await strategy.destroyToken(token, user);
    expect(await strategy.readToken(token, manager)).toBeNull();
    expect(await strategy.readToken(second, manager)).toMatchObject({ id: user.id });
    const { jti, exp } = decodeJwt(token);
    expect(store.tokens.get(jti as string)).toEqual(new Date((exp as number) * 1000));
  });

  test('a token that never expires is revoked for good', async () => {
    const { strategy, manager, store, user } = await setup(null);
    const token = await strategy.writeToken(user);
    expect(decodeJwt(token).exp).toBeUndefined();
    await strategy.destroyToken(token, user);
    expect(await strategy.readToken(token, manager)).toBeNull();
    expect(store.tokens.get(decodeJwt(token).jti as string)).toBeNull();
  });

  test('destroyToken leaves foreign, invalid and other users’ tokens alone', async () => {
    const { strategy, manager, store, user, other } = await setup();
    const othersToken = await strategy.writeToken(other);
    await strategy.destroyToken(othersToken, user);
    await strategy.destroyToken('not-a-jwt', user);
    await strategy.destroyToken('opaque-database-token-of-the-cookie-backend', user);
    expect(store.tokens.size).toBe(0);
    expect(await strategy.readToken(othersToken, manager)).toMatchObject({ id: other.id });
  });

  test('revokeAllForUser revokes every earlier token of the user, not later ones', async () => {
    const { strategy, manager, store, user, other } = await setup();
    const first = await strategy.writeToken(user);
    const second = await strategy.writeToken(user);
    const othersToken = await strategy.writeToken(other);
    await strategy.revokeAllForUser?.(user);
    expect(await strategy.readToken(first, manager)).toBeNull();
    expect(await strategy.readToken(second, manager)).toBeNull();
    expect(await strategy.readToken(othersToken, manager)).toMatchObject({ id: other.id });
    const entry = store.users.get(String(user.id));
    const cutoff = entry?.before.getTime() ?? 0;
    expect(entry?.expiresAt?.getTime()).toBe(cutoff + 3600 * 1000);
  });

  test('a login right after log out everywhere is never caught by the cut-off', async () => {
    const { strategy, manager, user } = await setup();
    // Without waiting out the cut-off's millisecond, some of these would be refused.
    for (let i = 0; i < 30; i++) {
      await strategy.revokeAllForUser?.(user);
      const fresh = await strategy.writeToken(user);
      expect(await strategy.readToken(fresh, manager)).toMatchObject({ id: user.id });
    }
  });

  test('revokes a token issued in the cut-off millisecond, not one issued after it', async () => {
    const { manager, store, user } = await setup();
    const codec = createJwtCodec({ secret: SECRET });
    const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation: store });
    const at = Date.now();
    const sign = (ms: number) =>
      codec.sign({ sub: String(user.id), aud: ['portcullis:auth'], jti: createTokenId(ms) }, 60);
    const atCutoff = await sign(at);
    const after = await sign(at + 1);
    await store.revokeAllForUser(String(user.id), new Date(at), null);
    expect(await strategy.readToken(atCutoff, manager)).toBeNull();
    expect(await strategy.readToken(after, manager)).toMatchObject({ id: user.id });
  });

  test('refuses a token without a jti or with one that is not a UUIDv7', async () => {
    const { strategy, manager, user } = await setup();
    const codec = createJwtCodec({ secret: SECRET });
    const claims = { sub: String(user.id), aud: ['portcullis:auth'] };
    const stateless = await createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60 }).writeToken(
      user,
    );
    const v4 = await codec.sign({ ...claims, jti: crypto.randomUUID() }, 60);
    const object = await codec.sign({ ...claims, jti: { $ne: null } }, 60);
    for (const token of [stateless, v4, object]) {
      expect(await strategy.readToken(token, manager)).toBeNull();
    }
    // Control: the same claims with a proper jti are accepted.
    const good = await codec.sign({ ...claims, jti: createTokenId() }, 60);
    expect(await strategy.readToken(good, manager)).toMatchObject({ id: user.id });
  });

  test('still refuses expired, tampered and foreign tokens', async () => {
    const { strategy, manager, user } = await setup();
    const codec = createJwtCodec({ secret: SECRET });
    const claims = { sub: String(user.id), aud: ['portcullis:auth'], jti: createTokenId() };
    expect(await strategy.readToken(await codec.sign(claims, -1), manager)).toBeNull();
    const foreign = createJwtCodec({ secret: `${SECRET}!` });
    expect(await strategy.readToken(await foreign.sign(claims, 60), manager)).toBeNull();
    expect(await strategy.readToken('a.b.c', manager)).toBeNull();
  });

  test('an unreachable store fails the read loudly instead of accepting the token', async () => {
    const { manager, user } = await setup();
    const down = createMemoryRevocationStore();
    down.isRevoked = () => Promise.reject(new Error('store down'));
    const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation: down });
    const token = await strategy.writeToken(user);
    await expect(strategy.readToken(token, manager)).rejects.toThrow('store down');
  });
});
