import { describe, expect, it, vi } from 'vitest';

/**
 * A runtime where the native addons do not load (workerd, Vercel Edge), simulated by making
 * their import fail. Everything else is real.
 */
const attempts = vi.hoisted(() => ({ argon2: 0, bcrypt: 0 }));

vi.mock('@node-rs/argon2', () => {
  attempts.argon2 += 1;
  throw new Error('Cannot load native addon');
});
vi.mock('@node-rs/bcrypt', () => {
  attempts.bcrypt += 1;
  throw new Error('Cannot load native addon');
});

const { createPasswordHasher } = await import('./password');
const { createPbkdf2PasswordHasher } = await import('./pbkdf2-password-hasher');
const { ErrorCode, isPortcullisError } = await import('./errors');

const PASSWORD = 'correct horse battery staple';
const ARGON2 =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG/ZHKQBNYhFA';
const BCRYPT = `$2b$04$${'a'.repeat(53)}`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('the default hasher where the native addons cannot load', () => {
  it('is still created synchronously, without touching the addons', () => {
    const hasher = createPasswordHasher();
    expect(typeof hasher.hash).toBe('function');
    expect(hasher.needsRehash(ARGON2)).toBe(false);
    expect(attempts).toEqual({ argon2: 0, bcrypt: 0 });
  });

  it('rejects hash() with a CONFIGURATION error that says to supply a passwordHasher', async () => {
    const error = await rejection(createPasswordHasher().hash(PASSWORD));
    expect(isPortcullisError(error)).toBe(true);
    expect(error).toMatchObject({ code: ErrorCode.CONFIGURATION, status: 500 });
    expect((error as Error).message).toMatch(/native addon @node-rs\/argon2/);
    expect((error as Error).message).toMatch(/`passwordHasher`/);
    expect((error as Error).message).toMatch(/createPbkdf2PasswordHasher\(\)/);
    expect((error as Error).message).not.toContain(PASSWORD);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('rejects verify() of an argon2 or bcrypt hash instead of calling the password wrong', async () => {
    const hasher = createPasswordHasher();
    const argon2 = await rejection(hasher.verify(PASSWORD, ARGON2));
    expect(argon2).toMatchObject({ code: ErrorCode.CONFIGURATION });
    const bcrypt = await rejection(hasher.verify(PASSWORD, BCRYPT));
    expect(bcrypt).toMatchObject({ code: ErrorCode.CONFIGURATION });
    expect((bcrypt as Error).message).toMatch(/@node-rs\/bcrypt/);
  });

  it('tries each addon once per process, then keeps the answer', async () => {
    const hasher = createPasswordHasher();
    await rejection(hasher.hash(PASSWORD));
    await rejection(hasher.verify(PASSWORD, BCRYPT));
    expect(attempts).toEqual({ argon2: 1, bcrypt: 1 });
  });

  it('still verifies PBKDF2 hashes, which need only Web Crypto', async () => {
    const stored = await createPbkdf2PasswordHasher({ iterations: 1_000 }).hash(PASSWORD);
    expect(await createPasswordHasher().verify(PASSWORD, stored)).toBe(true);
  });
});
