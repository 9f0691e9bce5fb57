import { ErrorCode, PortcullisError } from './errors';
import { builtinModule } from './internal/builtin';
import { type ConcurrencyLimit, concurrencyLimit } from './internal/concurrency-limit';
import { loadArgon2, loadBcrypt } from './internal/native-hashers';
import { pbkdf2Iterations, verifyPbkdf2 } from './internal/pbkdf2';
import { randomToken } from './random';

/**
 * Hashes and verifies user passwords. Pluggable: any object with these four methods can replace
 * the default one, e.g. {@link createPbkdf2PasswordHasher} where native addons cannot load
 * (docs/runtimes.md).
 *
 * @example
 * ```ts
 * const hasher: PasswordHasher = createPasswordHasher();
 * const stored = await hasher.hash('correct horse battery staple');
 * await hasher.verify('correct horse battery staple', stored); // true
 * ```
 */
export interface PasswordHasher {
  hash(password: string, options?: HashCallOptions): Promise<string>;
  /** false for a wrong password AND for a hash format it does not know (never throws on junk). */
  verify(password: string, hash: string, options?: HashCallOptions): Promise<boolean>;
  /** true when the stored hash should be replaced on next successful login. */
  needsRehash(hash: string): boolean;
  /** A random, unusable-by-humans password (32 random bytes base64url). */
  generate(): string;
}

/**
 * One `hash` or `verify` call's options. A hasher may ignore them (a custom hasher written
 * before them does).
 */
export interface HashCallOptions {
  /**
   * Asked before the work starts, when the call's turn comes (the default hasher runs at most
   * `maxConcurrent` at once): true drops the call, which rejects with `CLIENT_CLOSED_REQUEST`.
   * The login route passes "has the client gone away", so a login flood whose clients gave up
   * does not keep the cores busy (docs/performance.md#logins-whose-client-went-away).
   */
  skipIf?: () => boolean;
}

/** What a dropped hash call rejects with: nobody waits for its answer any more. */
function clientClosed(): PortcullisError {
  return new PortcullisError(ErrorCode.CLIENT_CLOSED_REQUEST, 'The client closed the request');
}

/**
 * Argon2id cost parameters for new hashes. The defaults are OWASP's (m=19 MiB, t=2, p=1).
 *
 * @example
 * ```ts
 * // FastAPI Users' (argon2-cffi's) parameters, so its existing hashes are never rehashed:
 * const options: Argon2Options = { memoryCost: 65536, timeCost: 3, parallelism: 4 };
 * ```
 */
export interface Argon2Options {
  /** Memory in KiB; at least 8 × parallelism (an argon2 rule). Default 19456 (19 MiB). */
  memoryCost?: number;
  /** Number of passes. Default 2. */
  timeCost?: number;
  /** Number of lanes, 1 to 255. Default 1. */
  parallelism?: number;
}

/**
 * Options of {@link createPasswordHasher}: the argon2id costs and how many hashes may run at once.
 *
 * @example
 * ```ts
 * // A login-heavy service on 8 cores that keeps two of them for everything else:
 * const hasher = createPasswordHasher({ maxConcurrent: 6 });
 * ```
 */
export interface PasswordHasherOptions extends Argon2Options {
  /**
   * How many hashes and verifications may run at once; the rest wait their turn, first come
   * first served. The limit is shared by every hasher of the process created with the same
   * value (two default hashers never run two cores' worth each). Default: the number of CPU
   * cores this process may use
   * (`os.availableParallelism()`, which honours `taskset`), so a login flood never has more
   * hashing threads than cores and the event loop keeps getting the CPU (the benchmark's login
   * storm, docs/performance.md). `Infinity` removes the limit: every call goes straight to the
   * libuv thread pool (`UV_THREADPOOL_SIZE`, 4 by default).
   */
  maxConcurrent?: number;
}

const DEFAULTS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

interface CoreCount {
  availableParallelism?: () => number;
}

/** One queue per distinct limit, shared by the hashers created with it. */
const limits = new Map<number, ConcurrencyLimit>();

function sharedLimit(maxConcurrent: number): ConcurrencyLimit {
  let limit = limits.get(maxConcurrent);
  if (limit === undefined) {
    limit = concurrencyLimit(maxConcurrent, clientClosed);
    limits.set(maxConcurrent, limit);
  }
  return limit;
}

/** CPU cores this process may run on; Infinity when the runtime cannot tell. */
function usableCores(): number {
  const os = builtinModule('node:os') as CoreCount | undefined;
  const fromOs = typeof os?.availableParallelism === 'function' ? os.availableParallelism() : 0;
  const fromNavigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  const cores = fromOs || fromNavigator || 0;
  return Number.isInteger(cores) && cores > 0 ? cores : Number.POSITIVE_INFINITY;
}

/**
 * `Algorithm.Argon2id` of @node-rs/argon2. Its `Algorithm` is an ambient `const enum`, which
 * `isolatedModules` cannot inline, so the value is spelled out (index.d.ts: Argon2d = 0,
 * Argon2i = 1, Argon2id = 2).
 */
const ARGON2ID = 2;

/** Argon2 version 0x13 (19), the current one; hashes without `v=` are version 0x10. */
const ARGON2_VERSION = 19;

/**
 * A PHC argon2 string, `$argon2<type>$[v=N$]m=M,t=T,p=P[,…]$<salt>$<hash>` (the shape FastAPI
 * Users' pwdlib identifies). Only what the rehash decision needs is captured; the native verifier does
 * the full parsing.
 */
const ARGON2_PHC =
  /^\$argon2(id|i|d)\$(?:v=(\d{1,3})\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})(?:,[a-z]+=[A-Za-z0-9+/.-]*)*\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * A modular-crypt bcrypt string: prefix, two-digit cost, 22 salt + 31 hash characters.
 * `$2x$` (hashes from the buggy pre-2011 crypt_blowfish) is not accepted.
 */
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/**
 * bcrypt only reads the first 72 bytes of a password, so a hash of a 72-byte password is also
 * the hash of every longer password that starts with it: only shorter candidates are checked.
 */
const BCRYPT_MAX_BYTES = 71;

const encoder = new TextEncoder();

interface Argon2Params {
  type: 'id' | 'i' | 'd';
  version: number;
  memoryCost: number;
  timeCost: number;
}

function parseArgon2(hash: string): Argon2Params | null {
  const match = ARGON2_PHC.exec(hash);
  if (!match) return null;
  const [, type, version, memoryCost, timeCost] = match;
  return {
    type: type as Argon2Params['type'],
    version: version === undefined ? 0x10 : Number(version),
    memoryCost: Number(memoryCost),
    timeCost: Number(timeCost),
  };
}

/**
 * The native verifiers throw on malformed salts or digests that pass the shape check; a corrupt
 * stored hash is a failed login, not a 500. Run inside the call's turn, so a turn dropped by
 * `skipIf` still rejects: that call was never checked, it is not a wrong password.
 */
async function settle(verification: () => Promise<boolean>): Promise<boolean> {
  try {
    return await verification();
  } catch {
    return false;
  }
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`createPasswordHasher: ${name} must be an integer from ${min} to ${max}`);
  }
}

/**
 * Creates the default password hasher: argon2id for new hashes; verifies any argon2 PHC hash
 * (argon2id/i/d, FastAPI Users' `m=65536,t=3,p=4` included), legacy bcrypt hashes
 * (`$2a$`, `$2b$`, `$2y$`) so an existing FastAPI Users database logs in unchanged, and the
 * `$pbkdf2-sha256$` hashes of {@link createPbkdf2PasswordHasher} so a user table can move from an
 * edge runtime to Node. Hashing and verification always run on the libuv thread pool, never on
 * the event loop, and no more of them at once than `maxConcurrent` (default: one per CPU core;
 * see {@link PasswordHasherOptions}).
 *
 * Argon2 and bcrypt are the native addons @node-rs/argon2 and @node-rs/bcrypt (Node, Bun and
 * Deno load them through N-API). They are loaded on the first call that needs them, not when
 * core is imported, so creating this hasher stays synchronous and cheap and importing core works
 * on runtimes without native addons. On such a runtime (Cloudflare's workerd, Vercel Edge) the
 * first `hash` or `verify` rejects with a `PortcullisError` (`CONFIGURATION`) that says to supply
 * a `passwordHasher` (docs/runtimes.md).
 *
 * `needsRehash` is true for bcrypt, PBKDF2, argon2i, argon2d, argon2 version 0x10, and argon2id
 * whose memory or time cost is below the configured one; an equal or stronger argon2id hash is kept
 * (never downgraded). Unlike pwdlib, which rehashes on any parameter difference, this lets an app
 * lower its cost without rewriting every stored hash on the next login.
 *
 * bcrypt reads only the first 72 bytes of a password, so a hash made from a long password also
 * matches every password sharing its first 72 bytes, and a hash cannot tell a 72-byte password
 * from a longer one cut to 72. `verify` therefore rejects passwords of 72 UTF-8 bytes or more
 * against bcrypt hashes: no password logs in by its prefix (docs/abuse-protection.md).
 * Consequence: a legacy user whose password had 72 bytes or more (stored by a library that
 * truncated silently) must reset it.
 *
 * `verify` answers false, and never throws, for a hash format it does not know or a corrupt hash.
 * Upstream raises `UnknownHashError` there (a 500); a failed login is the safer answer.
 *
 * @param options - Argon2id costs for new hashes (defaults m=19456 KiB, t=2, p=1, OWASP's) and
 * `maxConcurrent`.
 * @throws RangeError when an option is out of range. The returned methods reject with a
 * `PortcullisError` (`CONFIGURATION`) when the native addon cannot be loaded.
 *
 * @example
 * ```ts
 * const hasher = createPasswordHasher();
 * const stored = await hasher.hash('correct horse battery staple');
 * await hasher.verify('correct horse battery staple', stored); // true
 * hasher.needsRehash('$2b$12$…'); // true: bcrypt is upgraded on the next login
 * ```
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const memoryCost = options.memoryCost ?? DEFAULTS.memoryCost;
  const timeCost = options.timeCost ?? DEFAULTS.timeCost;
  const parallelism = options.parallelism ?? DEFAULTS.parallelism;
  checkInteger('parallelism', parallelism, 1, 255);
  checkInteger('memoryCost', memoryCost, 8 * parallelism, 2 ** 32 - 1);
  checkInteger('timeCost', timeCost, 1, 2 ** 32 - 1);
  const maxConcurrent = options.maxConcurrent ?? usableCores();
  if (maxConcurrent !== Number.POSITIVE_INFINITY) {
    checkInteger('maxConcurrent', maxConcurrent, 1, Number.MAX_SAFE_INTEGER);
  }
  const hashOptions = Object.freeze({ algorithm: ARGON2ID, memoryCost, timeCost, parallelism });
  const limited = sharedLimit(maxConcurrent);

  return Object.freeze({
    async hash(password: string, options?: HashCallOptions): Promise<string> {
      const argon2 = await loadArgon2();
      return limited(() => argon2.hash(password, hashOptions), options?.skipIf);
    },

    async verify(password: string, hash: string, options?: HashCallOptions): Promise<boolean> {
      if (typeof password !== 'string' || typeof hash !== 'string') return false;
      const check = (verification: () => Promise<boolean>) =>
        limited(() => settle(verification), options?.skipIf);
      // Each addon loads before `settle`: a runtime without it is a configuration error to
      // report, never a wrong password.
      if (ARGON2_PHC.test(hash)) {
        const argon2 = await loadArgon2();
        return check(() => argon2.verify(hash, password));
      }
      if (BCRYPT.test(hash)) {
        if (encoder.encode(password).length > BCRYPT_MAX_BYTES) return false;
        const bcrypt = await loadBcrypt();
        return check(() => bcrypt.verify(password, hash));
      }
      if (pbkdf2Iterations(hash) !== null) {
        return check(() => verifyPbkdf2(password, hash));
      }
      return false;
    },

    needsRehash(hash: string): boolean {
      if (typeof hash !== 'string') return false;
      if (BCRYPT.test(hash) || pbkdf2Iterations(hash) !== null) return true;
      const params = parseArgon2(hash);
      if (!params) return false;
      return (
        params.type !== 'id' ||
        params.version !== ARGON2_VERSION ||
        params.memoryCost < memoryCost ||
        params.timeCost < timeCost
      );
    },

    generate(): string {
      return randomToken(32);
    },
  });
}

/**
 * Verifies a password and, when it is right and the stored hash is of another kind or weaker
 * than the current settings, hashes it again for the caller to store (pwdlib's
 * `verify_and_update`, as FastAPI Users' rehash-on-login uses it). Storing the new hash also
 * invalidates outstanding reset tokens, as upstream does.
 *
 * @returns `valid`: whether the password matches; `newHash`: the hash to store, or null when the
 * password is wrong or the stored hash is current.
 *
 * @example
 * ```ts
 * const { valid, newHash } = await verifyAndUpdate(hasher, password, user.hashed_password);
 * if (valid && newHash) await users.update(user, { hashed_password: newHash });
 * ```
 */
export async function verifyAndUpdate(
  hasher: PasswordHasher,
  password: string,
  hash: string,
  options?: HashCallOptions,
): Promise<{ valid: boolean; newHash: string | null }> {
  const valid = await hasher.verify(password, hash, options);
  if (!valid) return { valid: false, newHash: null };
  const newHash = hasher.needsRehash(hash) ? await hasher.hash(password) : null;
  return { valid: true, newHash };
}
