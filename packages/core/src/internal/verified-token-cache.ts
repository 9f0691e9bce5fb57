/**
 * Remembers tokens whose signature and claims already passed verification, so the hot path
 * (one client sending the same bearer token on every request) skips the signature check
 * (issue 7). What it holds is only what the token itself says: never a user, never an
 * authorization decision. The caller still re-checks `aud` and `exp` on every use, and the
 * strategy still loads the user on every request, so a deactivated or deleted user is refused
 * on the very next one.
 */

/** Claims as they were verified, deep-frozen so no caller can change what the next one sees. */
export interface VerifiedToken {
  /** The whole token: a lookup by its tail is a hit only when the whole token is this one. */
  readonly token: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** The token's audiences (`aud` as a string or an array), checked per use. */
  readonly audiences: readonly string[];
  /** `exp` in seconds since the epoch; undefined for a token without one. */
  readonly expiresAt: number | undefined;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Default number of tokens kept: about a few MB with tokens of a few hundred bytes. */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/** Freezes JSON values all the way down (claims come from JSON.parse: no cycles). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/**
 * Tokens are looked up by their last characters, the end of the signature: hashing the whole
 * token for the Map was the largest single cost a cache hit added to a guarded request
 * (docs/performance.md#instruction-counts). 32 base64url characters are 192 bits of the MAC or
 * signature; a hit still requires the whole token to be equal, so a token sharing the tail of
 * a remembered one (a forgery that kept its signature) is a miss, and is verified.
 */
const KEY_LENGTH = 32;
const keyOf = (token: string): string =>
  token.length > KEY_LENGTH ? token.slice(-KEY_LENGTH) : token;

/**
 * A bounded map from a token (by its tail, the whole token compared) to its verified claims,
 * first in, first out. The insertion order lives in a ring of keys: evicting "the Map's first
 * key" instead would make every eviction walk the deleted slots V8 keeps at the front of the
 * table until it rehashes (about 10 µs per insert at 10 000 entries, measured with the bench's
 * cold path). A hot token pushed out by a flood of new ones is simply verified again once,
 * which keeps a hit free of any bookkeeping (no re-insertion per use).
 */
export class VerifiedTokenCache {
  readonly #max: number;
  readonly #entries = new Map<string, VerifiedToken>();
  /** Keys in insertion order; the slot at #next is the oldest. Allocated on first use. */
  #ring: (string | undefined)[] | null = null;
  #next = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): VerifiedToken | undefined {
    const entry = this.#entries.get(keyOf(token));
    return entry !== undefined && entry.token === token ? entry : undefined;
  }

  /** Stores claims that just passed every check; they are frozen in place. */
  add(token: string, claims: Record<string, unknown>): VerifiedToken {
    const { aud, exp } = claims;
    const entry: VerifiedToken = {
      token,
      claims: deepFreeze(claims),
      audiences: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter(isString) : [],
      expiresAt: typeof exp === 'number' ? exp : undefined,
    };
    if (this.#max <= 0) return entry;
    const key = keyOf(token);
    if (!this.#entries.has(key)) {
      this.#ring ??= new Array<string | undefined>(this.#max);
      // A key deleted early (expired) may still hold its slot; evicting it then is harmless.
      const oldest = this.#ring[this.#next];
      if (oldest !== undefined) this.#entries.delete(oldest);
      this.#ring[this.#next] = key;
      this.#next = (this.#next + 1) % this.#max;
    }
    this.#entries.set(key, entry);
    return entry;
  }

  /** Forgets `token`; another token that shares its tail stays. */
  delete(token: string): void {
    const key = keyOf(token);
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
  }
}

/** jose's audience rule: the token's `aud` names at least one of the accepted audiences. */
export function acceptsAudience(
  audiences: readonly string[],
  accepted: string | readonly string[],
): boolean {
  if (typeof accepted === 'string') return audiences.includes(accepted);
  for (const audience of audiences) if (accepted.includes(audience)) return true;
  return false;
}
