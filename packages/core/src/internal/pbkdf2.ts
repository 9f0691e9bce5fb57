/**
 * PBKDF2-HMAC-SHA256 on Web Crypto in chained rounds, and its PHC string: the work behind
 * `createPbkdf2PasswordHasher`, shared with the default hasher so it verifies such hashes too.
 */

/**
 * Cloudflare's hosted Workers refuse a single PBKDF2 derivation above 100 000 iterations (a
 * NotSupportedError; the open-source workerd does not enforce it). Larger counts are reached by
 * chaining derivations of at most this many iterations (docs/runtimes.md).
 */
const MAX_ITERATIONS_PER_ROUND = 100_000;

/** The most iterations a hash may take, configured or stored. */
export const MAX_PBKDF2_ITERATIONS = 100_000_000;

const SALT_BYTES = 16;
const KEY_BITS = 256;

/**
 * `$pbkdf2-sha256$i=<iterations per round>,r=<rounds>$<salt>$<key>`, salt and key in standard
 * base64 without padding (the PHC string format).
 */
const PBKDF2_PHC =
  /^\$pbkdf2-sha256\$i=(\d{1,9}),r=(\d{1,3})\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, '');
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Each round's output is the next round's password: sequential work an attacker cannot skip. */
async function derive(
  password: string,
  salt: Uint8Array,
  perRound: number,
  rounds: number,
): Promise<Uint8Array> {
  let key = encoder.encode(password) as Uint8Array<ArrayBuffer>;
  for (let round = 0; round < rounds; round++) {
    const material = await crypto.subtle.importKey('raw', key, 'PBKDF2', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits(
      {
        name: 'PBKDF2',
        hash: 'SHA-256',
        salt: salt as Uint8Array<ArrayBuffer>,
        iterations: perRound,
      },
      material,
      KEY_BITS,
    );
    key = new Uint8Array(bits);
  }
  return key;
}

/** No early exit on the first differing byte. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export interface Pbkdf2Rounds {
  perRound: number;
  rounds: number;
}

/** The fewest rounds within the per-round cap, evenly split, never fewer iterations in total. */
export function pbkdf2Rounds(iterations: number): Pbkdf2Rounds {
  const rounds = Math.ceil(iterations / MAX_ITERATIONS_PER_ROUND);
  return { perRound: Math.ceil(iterations / rounds), rounds };
}

/** A new hash of `password` with a fresh 16-byte random salt. */
export async function hashPbkdf2(
  password: string,
  { perRound, rounds }: Pbkdf2Rounds,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const key = await derive(password, salt, perRound, rounds);
  return `$pbkdf2-sha256$i=${perRound},r=${rounds}$${toBase64(salt)}$${toBase64(key)}`;
}

interface Parsed extends Pbkdf2Rounds {
  salt: string;
  key: string;
}

/** The parts of a hash in this format; null for any other string, or a cost out of bounds. */
function parse(hash: string): Parsed | null {
  const match = PBKDF2_PHC.exec(hash);
  if (!match) return null;
  const [, perRound = '', rounds = '', salt = '', key = ''] = match;
  const parsed = { perRound: Number(perRound), rounds: Number(rounds), salt, key };
  if (parsed.perRound < 1 || parsed.rounds < 1) return null;
  // A corrupt stored hash must not cost more than a configured one could.
  if (parsed.perRound * parsed.rounds > MAX_PBKDF2_ITERATIONS) return null;
  return parsed;
}

/** Total iterations of a hash in this format, or null for any other string. */
export function pbkdf2Iterations(hash: string): number | null {
  const parsed = parse(hash);
  return parsed ? parsed.perRound * parsed.rounds : null;
}

/** Whether `password` matches a hash in this format; false for any other string. */
export async function verifyPbkdf2(password: string, hash: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof hash !== 'string') return false;
  const parsed = parse(hash);
  if (!parsed) return false;
  const derived = await derive(password, fromBase64(parsed.salt), parsed.perRound, parsed.rounds);
  return sameBytes(derived, fromBase64(parsed.key));
}
