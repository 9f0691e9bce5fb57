import { availableParallelism } from 'node:os';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The real @node-rs/argon2 and @node-rs/bcrypt, wrapped to count the calls in flight: the hasher
 * must never have more than `maxConcurrent` of them running.
 */
const inFlight = vi.hoisted(() => ({ now: 0, peak: 0 }));

async function counted<T>(work: () => Promise<T>): Promise<T> {
  inFlight.now += 1;
  inFlight.peak = Math.max(inFlight.peak, inFlight.now);
  try {
    return await work();
  } finally {
    inFlight.now -= 1;
  }
}

vi.mock('@node-rs/argon2', async (importActual) => {
  const actual = await importActual<typeof import('@node-rs/argon2')>();
  return {
    ...actual,
    hash: (...args: Parameters<typeof actual.hash>) => counted(() => actual.hash(...args)),
    verify: (...args: Parameters<typeof actual.verify>) => counted(() => actual.verify(...args)),
  };
});
vi.mock('@node-rs/bcrypt', async (importActual) => {
  const actual = await importActual<typeof import('@node-rs/bcrypt')>();
  return {
    ...actual,
    verify: (...args: Parameters<typeof actual.verify>) => counted(() => actual.verify(...args)),
  };
});

const { createPasswordHasher } = await import('./password');
const { hash: bcryptHash } = await import('@node-rs/bcrypt');

const PASSWORD = 'correct horse battery staple';
// Cheap costs: the test is about scheduling, not strength.
const CHEAP = { memoryCost: 1024, timeCost: 1 };

beforeEach(() => {
  inFlight.now = 0;
  inFlight.peak = 0;
});

describe('createPasswordHasher maxConcurrent', () => {
  it('never runs more hashes and verifications at once than maxConcurrent', async () => {
    const hasher = createPasswordHasher({ ...CHEAP, maxConcurrent: 2 });
    const stored = await hasher.hash(PASSWORD);
    const legacy = await bcryptHash(PASSWORD, 4);
    const verdicts = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => hasher.verify(i % 2 ? PASSWORD : 'wrong', stored)),
      ...Array.from({ length: 4 }, () => hasher.verify(PASSWORD, legacy)),
      ...Array.from({ length: 4 }, () =>
        hasher.hash(PASSWORD).then((h) => h.startsWith('$argon2id$')),
      ),
    ]);
    expect(verdicts).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(inFlight.peak).toBe(2);
    expect(inFlight.now).toBe(0);
  });

  it('shares the limit between hashers created with the same value', async () => {
    const [a, b] = [
      createPasswordHasher({ ...CHEAP, maxConcurrent: 3 }),
      createPasswordHasher({ ...CHEAP, maxConcurrent: 3 }),
    ];
    const stored = await a.hash(PASSWORD);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).verify(PASSWORD, stored)),
    );
    expect(inFlight.peak).toBe(3);
  });

  it('defaults to one at a time per usable CPU core', async () => {
    const hasher = createPasswordHasher(CHEAP);
    const stored = await hasher.hash(PASSWORD);
    const calls = availableParallelism() + 3;
    await Promise.all(Array.from({ length: calls }, () => hasher.verify(PASSWORD, stored)));
    expect(inFlight.peak).toBe(availableParallelism());
  });

  it('with Infinity, hands every call to the thread pool at once', async () => {
    const hasher = createPasswordHasher({ ...CHEAP, maxConcurrent: Number.POSITIVE_INFINITY });
    const stored = await hasher.hash(PASSWORD);
    await Promise.all(Array.from({ length: 8 }, () => hasher.verify(PASSWORD, stored)));
    expect(inFlight.peak).toBe(8);
  });

  it('a failing verification frees its slot (a corrupt hash is a failed login, not a stall)', async () => {
    const hasher = createPasswordHasher({ ...CHEAP, maxConcurrent: 1 });
    const corrupt = '$argon2id$v=19$m=1024,t=1,p=1$AAAA$AAAA';
    const stored = await hasher.hash(PASSWORD);
    expect(await hasher.verify(PASSWORD, corrupt)).toBe(false);
    expect(await hasher.verify(PASSWORD, stored)).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxConcurrent %s', (value) => {
    expect(() => createPasswordHasher({ maxConcurrent: value })).toThrow(
      /maxConcurrent must be an integer from 1/,
    );
  });
});
