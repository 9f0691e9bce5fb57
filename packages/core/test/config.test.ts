import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, test } from 'vitest';
import { createAuthBackend } from '../src/auth/backend';
import { createBearerTransport } from '../src/auth/bearer-transport';
import { createCookieTransport } from '../src/auth/cookie-transport';
import {
  createDatabaseStrategy,
  type DatabaseStrategyOptions,
} from '../src/auth/database-strategy';
import { createJwtStrategy, type JwtStrategyOptions } from '../src/auth/jwt-strategy';
import type { TokenRevocationStore } from '../src/auth/revocation';
import type { Transport } from '../src/auth/transport';
import { ErrorCode, isPortcullisError, PortcullisConfigError } from '../src/errors';
import { UserManager, type UserManagerOptions } from '../src/manager';
import { createPortcullis, type PortcullisOptions } from '../src/portcullis';
import type { UserStore } from '../src/types';
import { fastHasher, SECRET } from './app';
import { createMemoryRevocationStore } from './memory-revocation-store';
import { createMemoryAccessTokenStore, createMemoryUserStore } from './memory-store';

function managerOptions(overrides: Partial<UserManagerOptions> = {}): UserManagerOptions {
  return {
    users: createMemoryUserStore(),
    passwordHasher: fastHasher(),
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
    ...overrides,
  };
}

function jwtBackend(strategy: Partial<JwtStrategyOptions>) {
  return createAuthBackend({
    name: 'jwt',
    transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
    strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, ...strategy }),
  });
}

function cookieBackend(strategy: Partial<DatabaseStrategyOptions>) {
  return createAuthBackend({
    name: 'cookie',
    transport: createCookieTransport({ cookieMaxAge: 3600 }),
    strategy: createDatabaseStrategy({ store: createMemoryAccessTokenStore(), ...strategy }),
  });
}

/** The error createPortcullis throws for these options (fails the test if it does not throw). */
function refusal(options: Partial<PortcullisOptions>): PortcullisConfigError {
  try {
    createPortcullis({ userManager: managerOptions(), backends: [], ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(PortcullisConfigError);
    return error as PortcullisConfigError;
  }
  throw new Error('createPortcullis accepted the options');
}

/** Casts for options a JavaScript caller (or an `as any`) can pass despite the types. */
const loosely = <T>(value: unknown): T => value as T;

describe('createPortcullis checks its options at start-up', () => {
  test('names the option of a missing JWT secret (was: TypeError from createJwtCodec)', () => {
    const error = refusal({ backends: [jwtBackend({ secret: loosely(undefined) })] });
    expect(error.message).toBe('backends[0].strategy.secret is required (got undefined)');
    expect(error.path).toBe('backends[0].strategy.secret');
    expect(error.name).toBe('PortcullisConfigError');
    expect(isPortcullisError(error)).toBe(true);
    expect(error.code).toBe(ErrorCode.CONFIGURATION);
  });

  test('refuses an HS256 secret shorter than 32 bytes, without showing it', () => {
    const error = refusal({ backends: [cookieBackend({}), jwtBackend({ secret: 'abc' })] });
    expect(error.message).toBe(
      'backends[1].strategy.secret must be at least 32 bytes for HS256 (got 3)',
    );
    const hunter = refusal({ backends: [jwtBackend({ secret: 'hunter2' })] });
    expect(hunter.message).not.toContain('hunter2');
  });

  test('asks the hash length of HS384 and HS512 secrets (RFC 7518 §3.2), counting UTF-8 bytes', () => {
    const error = refusal({ backends: [jwtBackend({ algorithm: 'HS512', secret: SECRET })] });
    expect(error.message).toBe(
      `backends[0].strategy.secret must be at least 64 bytes for HS512 (got ${SECRET.length})`,
    );
    expect(() =>
      createPortcullis({
        userManager: managerOptions(),
        backends: [jwtBackend({ secret: 'é'.repeat(16) })],
      }),
    ).not.toThrow();
  });

  test('refuses a PEM key as an HMAC secret, and a public key with HS256', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportSPKI(pair.publicKey);
    expect(refusal({ backends: [jwtBackend({ secret: pem })] }).message).toMatch(
      /^backends\[0\]\.strategy\.secret is a PEM key, but HS256 needs a shared secret/,
    );
    expect(refusal({ backends: [jwtBackend({ publicKey: pem })] }).path).toBe(
      'backends[0].strategy.publicKey',
    );
  });

  test.each([-5, 0, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a JWT lifetime of %s (every request would answer 401)',
    (lifetime) => {
      const error = refusal({ backends: [jwtBackend({ lifetimeSeconds: lifetime })] });
      expect(error.message).toBe(
        `backends[0].strategy.lifetimeSeconds must be a positive number of seconds, or null for no expiry (got ${lifetime})`,
      );
    },
  );

  test('refuses a database-strategy lifetime of -1 and a token store missing a method', () => {
    expect(refusal({ backends: [cookieBackend({ lifetimeSeconds: -1 })] }).path).toBe(
      'backends[0].strategy.lifetimeSeconds',
    );
    const { deleteAllForUser: _, ...partial } = createMemoryAccessTokenStore();
    const error = refusal({ backends: [cookieBackend({ store: loosely(partial) })] });
    expect(error.message).toBe(
      'backends[0].strategy.store.deleteAllForUser must be a function: a AccessTokenStore implements getByToken, create, delete, deleteAllForUser (got undefined)',
    );
  });

  test('refuses a user store missing a method (was: passes start-up, 500 on first use)', () => {
    const { getByOAuthAccount: _, ...partial } = createMemoryUserStore();
    const error = refusal({ userManager: managerOptions({ users: loosely<UserStore>(partial) }) });
    expect(error.path).toBe('userManager.users.getByOAuthAccount');
    expect(error.message).toMatch(/must be a function: a UserStore implements get, getByEmail/);
    expect(refusal({ userManager: managerOptions({ users: loosely(undefined) }) }).message).toBe(
      'userManager.users must be a UserStore (got undefined)',
    );
  });

  test('refuses a revocation store missing a method', () => {
    const { revokedBefore: _, ...partial } = createMemoryRevocationStore();
    const error = refusal({
      backends: [jwtBackend({ revocation: loosely<TokenRevocationStore>(partial) })],
    });
    expect(error.path).toBe('backends[0].strategy.revocation.revokedBefore');
  });

  test('checks the reset and verification token settings', () => {
    const short = refusal({
      userManager: managerOptions({ resetPasswordToken: { secret: 'short' } }),
    });
    expect(short.message).toBe(
      'userManager.resetPasswordToken.secret must be at least 32 bytes for HS256 (got 5)',
    );
    const lifetime = refusal({
      userManager: managerOptions({ verificationToken: { secret: SECRET, lifetimeSeconds: 0 } }),
    });
    expect(lifetime.path).toBe('userManager.verificationToken.lifetimeSeconds');
    const missing = refusal({
      userManager: loosely(managerOptions({ verificationToken: loosely(undefined) })),
    });
    expect(missing.path).toBe('userManager.verificationToken');
  });

  test('a UserManager built directly names the option from its own options', () => {
    expect(() => new UserManager(managerOptions({ resetPasswordToken: { secret: '' } }))).toThrow(
      'resetPasswordToken.secret is required (got a string)',
    );
  });

  test('checks the body limits, the logger, the hasher and the hooks', () => {
    expect(refusal({ bodyLimit: -1 }).message).toBe(
      'bodyLimit must be a whole number of bytes above 0 (got -1)',
    );
    expect(refusal({ bodyTimeoutMs: 0 }).path).toBe('bodyTimeoutMs');
    expect(refusal({ bodyTimeoutMs: 2 ** 31 }).path).toBe('bodyTimeoutMs');
    expect(refusal({ logger: loosely({ error() {}, info() {} }) }).path).toBe('logger.warn');
    const hasher = loosely<UserManagerOptions['passwordHasher']>({ hash: async () => 'x' });
    expect(refusal({ userManager: managerOptions({ passwordHasher: hasher }) }).path).toBe(
      'userManager.passwordHasher.verify',
    );
    const hooks = loosely<UserManagerOptions['hooks']>({ onAfterRegister: 'send a mail' });
    expect(refusal({ userManager: managerOptions({ hooks }) }).path).toBe(
      'userManager.hooks.onAfterRegister',
    );
  });

  test('points the removed userSchemas option to userFields, and checks userFields', () => {
    const old = loosely<Partial<PortcullisOptions>>({ userSchemas: { read: {} } });
    const problem = refusal(old);
    expect(problem.path).toBe('userSchemas');
    expect(problem.message).toContain('defineUserFields');
    expect(refusal({ userFields: loosely({ first_name: 'string' }) }).path).toBe('userFields');
  });

  test('checks the backends list and each backend', () => {
    expect(refusal({ backends: loosely(undefined) }).path).toBe('backends');
    const nameless = { ...jwtBackend({}), name: '' };
    expect(refusal({ backends: [nameless] }).path).toBe('backends[0].name');
    const noTransport = { ...jwtBackend({}), transport: loosely<Transport>({}) };
    expect(refusal({ backends: [noTransport] }).path).toBe('backends[0].transport.readToken');
  });
});

describe('asymmetric JWT keys are checked against the algorithm at start-up', () => {
  test('refuses a key of another type or curve, naming what it holds', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    const pkcs8 = await exportPKCS8(ec.privateKey);
    expect(refusal({ backends: [jwtBackend({ algorithm: 'RS256', secret: pkcs8 })] }).message).toBe(
      'backends[0].strategy.secret must be an RSA key for RS256 (got an EC P-256 key)',
    );
    expect(refusal({ backends: [jwtBackend({ algorithm: 'ES384', secret: pkcs8 })] }).message).toBe(
      'backends[0].strategy.secret must be an EC P-384 key for ES384 (got an EC P-256 key)',
    );
    const ed = await generateKeyPair('EdDSA', { extractable: true });
    const edPublic = await exportSPKI(ed.publicKey);
    expect(
      refusal({
        backends: [jwtBackend({ algorithm: 'ES256', secret: pkcs8, publicKey: edPublic })],
      }).message,
    ).toBe('backends[0].strategy.publicKey must be an EC P-256 key for ES256 (got an Ed25519 key)');
    expect(
      refusal({
        backends: [
          jwtBackend({ algorithm: 'ES256', secret: ec.privateKey, publicKey: ed.publicKey }),
        ],
      }).path,
    ).toBe('backends[0].strategy.publicKey');
  });

  test('refuses a public key as the signing key, and PKCS#1 or garbage PEMs', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const spki = await exportSPKI(rsa.publicKey);
    expect(refusal({ backends: [jwtBackend({ algorithm: 'RS256', secret: spki })] }).message).toBe(
      'backends[0].strategy.secret is a public key; RS256 signs with the private key (a PKCS#8 PEM)',
    );
    const pkcs1 = '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----';
    expect(
      refusal({ backends: [jwtBackend({ algorithm: 'RS256', secret: pkcs1 })] }).message,
    ).toMatch(/must be a PKCS#8 PEM .* `openssl pkcs8 -topk8 -nocrypt`$/);
    const garbage = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
    expect(
      refusal({ backends: [jwtBackend({ algorithm: 'RS256', secret: garbage })] }).message,
    ).toMatch(/got a key that could not be read/);
    expect(
      refusal({ backends: [jwtBackend({ algorithm: 'RS256', secret: rsa.publicKey })] }).message,
    ).toBe('backends[0].strategy.secret must be a private key for RS256 (got a public key)');
  });

  test('refuses a non-extractable private CryptoKey without a public key', async () => {
    const pair = await generateKeyPair('ES256');
    expect(
      refusal({ backends: [jwtBackend({ algorithm: 'ES256', secret: pair.privateKey })] }).path,
    ).toBe('backends[0].strategy.publicKey');
  });

  test.each(['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const)(
    'accepts a matching %s key pair, as PEMs and as CryptoKeys, and signs with it',
    async (algorithm) => {
      const pair = await generateKeyPair(algorithm, { extractable: true });
      const pems = {
        secret: await exportPKCS8(pair.privateKey),
        publicKey: await exportSPKI(pair.publicKey),
      };
      for (const keys of [pems, { secret: pair.privateKey, publicKey: pair.publicKey }]) {
        const portcullis = createPortcullis({
          userManager: managerOptions(),
          backends: [jwtBackend({ algorithm, ...keys })],
        });
        const strategy = portcullis.backends[0]?.strategy;
        const user = { id: 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff' };
        await expect(strategy?.writeToken(loosely(user))).resolves.toMatch(/^ey/);
      }
    },
  );

  test('a misconfigured strategy used without createPortcullis refuses every call', async () => {
    const strategy = createJwtStrategy({ secret: 'short', lifetimeSeconds: 60 });
    await expect(strategy.writeToken(loosely({ id: '1' }))).rejects.toThrow(
      'secret must be at least 32 bytes for HS256 (got 5)',
    );
    await expect(strategy.readToken('token', { findById: async () => null })).rejects.toThrow(
      PortcullisConfigError,
    );
  });
});
