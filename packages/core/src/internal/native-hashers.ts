/**
 * Loads the default password hasher's native addons (@node-rs/argon2, @node-rs/bcrypt) on
 * first use instead of at import, so `import '@portcullis/core'` works on runtimes that cannot
 * load a Node addon (Cloudflare's workerd, Vercel Edge) when the app supplies its own hasher.
 * docs/runtimes.md explains the choice.
 */
import { ErrorCode, PortcullisError } from '../errors';

/** The options of @node-rs/argon2's `hash` that the default hasher passes. */
export interface Argon2HashOptions {
  algorithm: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** The part of @node-rs/argon2 the default hasher calls, typed structurally. */
export interface Argon2Addon {
  hash(password: string, options: Argon2HashOptions): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** The part of @node-rs/bcrypt the default hasher calls, typed structurally. */
export interface BcryptAddon {
  verify(password: string, hash: string): Promise<boolean>;
}

/**
 * The specifier is a parameter, not a literal: bundlers (esbuild, wrangler, webpack, Vite) then
 * leave the import to run time, so an edge bundle neither pulls in nor chokes on addons it never
 * calls. A Node bundle must therefore keep these two packages external (they are native anyway).
 */
function importAtRunTime(specifier: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
}

type Namespace = Record<string, unknown> & { default?: Record<string, unknown> };

/** A function export of a CommonJS package, whichever way the runtime exposes it. */
function functionExport(namespace: Namespace, name: string): unknown {
  const named = namespace[name];
  return typeof named === 'function' ? named : namespace.default?.[name];
}

function unavailable(specifier: string, cause: unknown): PortcullisError {
  return new PortcullisError(
    ErrorCode.CONFIGURATION,
    `The default password hasher needs the native addon ${specifier}, which this runtime could ` +
      'not load. Pass your own `passwordHasher` to the user manager; createPbkdf2PasswordHasher() ' +
      'runs on any runtime with Web Crypto (see docs/runtimes.md).',
    { cause },
  );
}

async function load<T>(specifier: string, names: readonly string[]): Promise<T> {
  let namespace: Namespace;
  try {
    namespace = (await importAtRunTime(specifier)) as Namespace;
  } catch (cause) {
    throw unavailable(specifier, cause);
  }
  const found: Record<string, unknown> = {};
  for (const name of names) {
    const value = functionExport(namespace, name);
    if (typeof value !== 'function') {
      throw unavailable(specifier, new TypeError(`${specifier} has no function ${name}`));
    }
    found[name] = value;
  }
  return Object.freeze(found) as T;
}

let argon2: Promise<Argon2Addon> | undefined;
let bcrypt: Promise<BcryptAddon> | undefined;

/**
 * @node-rs/argon2, loaded once per process on first call. A failure is kept too: the runtime
 * will not learn to load the addon later, and every hash then fails with the same clear error.
 */
export function loadArgon2(): Promise<Argon2Addon> {
  argon2 ??= load<Argon2Addon>('@node-rs/argon2', ['hash', 'verify']);
  return argon2;
}

/** @node-rs/bcrypt, loaded once per process, only when a legacy bcrypt hash is verified. */
export function loadBcrypt(): Promise<BcryptAddon> {
  bcrypt ??= load<BcryptAddon>('@node-rs/bcrypt', ['verify']);
  return bcrypt;
}
