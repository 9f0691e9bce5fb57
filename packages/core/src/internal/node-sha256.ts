/**
 * Node's synchronous SHA-256, where the runtime has it (Node, Bun, Deno). Web Crypto's `digest`
 * is a job on Node's thread pool: a round trip that costs more than the hash, and one that
 * queues behind argon2, which runs on the same pool. Request paths that hash a short string
 * (a database-strategy token's store key, a login's throttling key) use this first and fall back
 * to Web Crypto (docs/performance.md#no-thread-pool-round-trip-for-a-short-hash).
 *
 * Looked up on first use through `process.getBuiltinModule`, never at import: core imports no
 * `node:` module (docs/contract/decisions.md#core-has-no-node-imports).
 */
import { builtinModule } from './builtin';

/** The part of `node:crypto` used here, typed structurally. */
interface NodeCrypto {
  createHash(algorithm: 'sha256'): {
    update(data: string): { digest(): Uint8Array; digest(encoding: 'hex'): string };
  };
  /** One-shot hash (Node 20.12+, 21.7+): no hash object, about three times faster. */
  hash?: {
    (algorithm: 'sha256', data: string, encoding: 'hex'): string;
    (algorithm: 'sha256', data: string, encoding: 'buffer'): Uint8Array;
  };
}

/** SHA-256 of a string (its UTF-8 bytes), as hex or as the 32 digest bytes. */
export interface NodeSha256 {
  hex(text: string): string;
  bytes(text: string): Uint8Array;
}

const encoder = new TextEncoder();

/**
 * SHA-256 of a string (its UTF-8 bytes) through Web Crypto: where `nodeSha256` is null, and
 * where a thread-pool round trip does not matter (PKCE, passkey challenges).
 */
export async function webCryptoSha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

let found: NodeSha256 | null | undefined;

/** Node's SHA-256, or null where only Web Crypto can hash. */
export function nodeSha256(): NodeSha256 | null {
  if (found === undefined) {
    const crypto = builtinModule('node:crypto') as Partial<NodeCrypto> | undefined;
    const { hash, createHash } = crypto ?? {};
    found =
      typeof hash === 'function'
        ? {
            hex: (text) => hash('sha256', text, 'hex'),
            bytes: (text) => hash('sha256', text, 'buffer'),
          }
        : typeof createHash === 'function'
          ? {
              hex: (text) => createHash('sha256').update(text).digest('hex'),
              bytes: (text) => createHash('sha256').update(text).digest(),
            }
          : null;
  }
  return found;
}
