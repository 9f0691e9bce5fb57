import type { PortcullisRequest } from '../http/request';
import type { PortcullisResponse } from '../http/response';
import { nodeSha256, webCryptoSha256 } from '../internal/node-sha256';
import { pathOf } from '../internal/url-path';
import { base64url } from '../random';
import type { User } from '../types';
import type { LoginFailedEvent, LoginFailureReason, ThrottledEvent } from './events';
import type { createGuard } from './guarded-store';
import { bucketOf } from './ip';
import type { ResolvedRateLimit } from './rate-limit-options';
import type { AttemptKey } from './rate-limit-store';
import { retryAfterSeconds, tooManyRequests } from './too-many-requests';

/**
 * One password login in progress. Either `refused` (answer it: 429, nothing was checked), or
 * the attempt is counted and the route reports how it ended.
 */
export type LoginAttempt<U extends User = User> =
  | { readonly refused: PortcullisResponse }
  | {
      readonly refused: null;
      /** The password was right: the pair's and the email's counts start again from zero. */
      passed(): Promise<void>;
      /** The login failed: `onLoginFailed` (the attempt was counted when it began). */
      failed(reason: LoginFailureReason, user: U | null): Promise<void>;
    };

/** What the login route calls around `manager.authenticate`. */
export interface LoginThrottle<U extends User = User> {
  /**
   * Called before any password hash: counts the attempt for the (email, address) pair and the
   * email, or refuses it when either waits. A refused attempt is neither checked nor counted.
   */
  begin(request: PortcullisRequest, username: string): Promise<LoginAttempt<U>>;
}

export interface LoginThrottleDeps<U extends User> {
  readonly limits: ResolvedRateLimit | null;
  readonly clientAddress: (request: PortcullisRequest) => string | null;
  readonly guard: ReturnType<typeof createGuard>;
  onLoginFailed(event: LoginFailedEvent<U>, request: PortcullisRequest): Promise<void>;
  onThrottled(event: ThrottledEvent, request: PortcullisRequest): Promise<void>;
  /** Told once when an address is unknown and only the per-email limit can apply. */
  warnUnknownAddress(): void;
}

/** The email part of the throttling keys holds 16 of the digest's 32 bytes (22 characters). */
const TAG_BYTES = 16;

/**
 * The key part of an email: a SHA-256 digest of the trimmed, lower-cased address (the stores
 * match emails case-insensitively), its first 16 bytes in base64url. Hashed because keys are
 * visible to whoever reads the store, and because `{` and `}` are legal in an email but would
 * break the Redis Cluster hash tag. Null where only Web Crypto can hash (`webCryptoEmailTag`):
 * on Node the digest is taken on the spot, not queued on the thread pool behind the logins'
 * own argon2 work (docs/performance.md#no-thread-pool-round-trip-for-a-short-hash).
 */
export function emailTagNow(email: string): string | null {
  const digest = nodeSha256()?.bytes(email.trim().toLowerCase());
  return digest ? base64url(digest.subarray(0, TAG_BYTES)) : null;
}

/** `emailTagNow`'s tag through Web Crypto, for runtimes without `node:crypto` (and the tests). */
export async function webCryptoEmailTag(email: string): Promise<string> {
  const digest = await webCryptoSha256(email.trim().toLowerCase());
  return base64url(digest.subarray(0, TAG_BYTES));
}

/**
 * Counts consecutive login failures per (email, address) pair and per email, and answers 429
 * while either waits (docs/abuse-protection.md). The attempt is counted before the password is
 * checked and forgotten on success: N concurrent guesses therefore count as N at once, and a
 * burst can never slip more than the threshold past the check.
 */
export function createLoginThrottle<U extends User>(deps: LoginThrottleDeps<U>): LoginThrottle<U> {
  const { limits, guard } = deps;

  const report =
    (request: PortcullisRequest, email: string, address: string | null) =>
    async (reason: LoginFailureReason, user: U | null): Promise<void> => {
      await deps.onLoginFailed({ email, address, reason, user }, request);
    };

  return {
    async begin(request, username) {
      const email = username.trim();
      const address = deps.clientAddress(request);
      const failed = report(request, email, address);
      if (!limits) return { refused: null, passed: async () => undefined, failed };
      const tag = emailTagNow(email) ?? (await webCryptoEmailTag(email));
      const accountKey = `login:{${tag}}`;
      const keys: AttemptKey[] = [{ key: accountKey, threshold: limits.accountThreshold }];
      if (address === null) {
        // Everyone without an address would share one pair: five failures would lock the
        // account for all of them. Only the per-email limit applies then.
        deps.warnUnknownAddress();
      } else {
        keys.unshift({
          key: `${accountKey}:${bucketOf(address)}`,
          threshold: limits.pairThreshold,
        });
      }
      const now = Date.now();
      const outcome = await guard('attempt', request, () =>
        limits.store.attempt(keys, limits.policy, now),
      );
      if (outcome && !outcome.allowed) {
        const retryAfter = retryAfterSeconds(outcome.lockedUntil, now);
        const reason = outcome.key === accountKey ? 'login_account' : 'login_pair';
        const path = pathOf(request.url);
        await deps.onThrottled(
          { reason, address, email, retryAfterSeconds: retryAfter, path },
          request,
        );
        return { refused: tooManyRequests(retryAfter) };
      }
      return {
        refused: null,
        failed,
        passed: async () => {
          await guard('reset', request, () => limits.store.reset(keys.map((k) => k.key)));
        },
      };
    },
  };
}
