/**
 * A synchronous HMAC for checking HS* token signatures on the request path (issue 7).
 *
 * Web Crypto's `subtle.verify` is asynchronous: on Node every call is a job on the libuv thread
 * pool, a round trip that costs more than the HMAC itself, and one that queues behind password
 * hashing (argon2 runs on the same pool), so a guarded route slows down exactly when logins
 * pile up. Node's `createHmac` runs on the calling thread in a few microseconds.
 *
 * Core imports no `node:` module (see docs/contract/decisions.md#core-has-no-node-imports): the module is looked up at run time through
 * `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno). Anywhere else this returns null and the
 * codec keeps using Web Crypto through jose.
 */
import { builtinModule } from './builtin';

/** The part of `node:crypto` used here, typed structurally. */
interface NodeCrypto {
  createHmac(
    algorithm: string,
    key: Uint8Array,
  ): { update(data: string): { digest(encoding: 'base64url'): string } };
}

function nodeCrypto(): NodeCrypto | null {
  const crypto = builtinModule('node:crypto');
  const createHmac = (crypto as Partial<NodeCrypto> | undefined)?.createHmac;
  return typeof createHmac === 'function' ? (crypto as NodeCrypto) : null;
}

const NODE_HASH: Readonly<Record<string, string>> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/**
 * The base64url HMAC of a string with a fixed key, or null when the runtime has no synchronous
 * HMAC. The key is copied, so later changes to the caller's buffer do not affect it.
 */
export function createSyncHmac(hash: string, key: Uint8Array): ((input: string) => string) | null {
  const crypto = nodeCrypto();
  const algorithm = NODE_HASH[hash];
  if (crypto === null || algorithm === undefined) return null;
  const secret = new Uint8Array(key);
  return (input) => crypto.createHmac(algorithm, secret).update(input).digest('base64url');
}
