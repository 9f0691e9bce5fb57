import {
  hashPbkdf2,
  MAX_PBKDF2_ITERATIONS,
  pbkdf2Iterations,
  pbkdf2Rounds,
  verifyPbkdf2,
} from './internal/pbkdf2';
import type { PasswordHasher } from './password';
import { randomToken } from './random';

/**
 * Options of {@link createPbkdf2PasswordHasher}.
 *
 * @example
 * ```ts
 * const options: Pbkdf2PasswordHasherOptions = { iterations: 1_200_000 };
 * ```
 */
export interface Pbkdf2PasswordHasherOptions {
  /**
   * PBKDF2-HMAC-SHA256 iterations per hash, in total. Default 600 000, OWASP's figure for
   * PBKDF2-HMAC-SHA256. Lowering it makes a stolen hash cheaper to crack.
   */
  iterations?: number;
}

/** OWASP's Password Storage Cheat Sheet figure for PBKDF2-HMAC-SHA256. */
const DEFAULT_ITERATIONS = 600_000;

/**
 * Creates a password hasher on Web Crypto alone: PBKDF2-HMAC-SHA256, 600 000 iterations by
 * default (OWASP), a 16-byte random salt, stored as
 * `$pbkdf2-sha256$i=100000,r=6$<salt>$<key>`. It needs no native addon and no Node module, so
 * it runs where the default argon2id hasher cannot: Cloudflare Workers (workerd), Vercel Edge,
 * browsers' workers. Pass it as `userManager.passwordHasher`.
 *
 * The iterations run in rounds of at most 100 000, each round's output being the next one's
 * password, because Cloudflare's hosted Workers refuse a single derivation above 100 000
 * iterations. One round (100 000 iterations or fewer) is plain PBKDF2-HMAC-SHA256.
 *
 * It verifies only its own format: argon2 and bcrypt hashes answer false (their users must reset
 * their password, or be verified on Node first). The default hasher of `createPasswordHasher()`
 * verifies this format and upgrades it to argon2id on the next login, so a user table can move
 * from an edge runtime to Node. `needsRehash` is true for a hash of this format with fewer
 * iterations than configured. See docs/runtimes.md.
 *
 * @param options - `iterations` in total (default 600 000).
 * @throws RangeError when `iterations` is not an integer from 1 to 100 000 000.
 *
 * @example
 * ```ts
 * const portcullis = createPortcullis({
 *   userManager: { users, passwordHasher: createPbkdf2PasswordHasher(), ...tokens },
 *   backends,
 * });
 * export default { fetch: portcullis.handler(mounts).fetch };
 * ```
 */
export function createPbkdf2PasswordHasher(
  options: Pbkdf2PasswordHasherOptions = {},
): PasswordHasher {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new RangeError(
      `createPbkdf2PasswordHasher: iterations must be an integer from 1 to ${MAX_PBKDF2_ITERATIONS}`,
    );
  }
  const rounds = pbkdf2Rounds(iterations);

  return Object.freeze({
    hash: (password: string): Promise<string> => hashPbkdf2(password, rounds),

    verify: verifyPbkdf2,

    needsRehash(hash: string): boolean {
      if (typeof hash !== 'string') return false;
      const stored = pbkdf2Iterations(hash);
      return stored !== null && stored < iterations;
    },

    generate(): string {
      return randomToken(32);
    },
  });
}
