import { hex } from '../internal/hex';

/**
 * Options of {@link createBreachedPasswordCheck}.
 *
 * @example
 * ```ts
 * const options: BreachedPasswordCheckOptions = { timeoutMs: 1500, onError: (e) => log.warn(e) };
 * ```
 */
export interface BreachedPasswordCheckOptions {
  /**
   * The range API: `GET <endpoint><first 5 hex digits of SHA-1>` answers `SUFFIX:COUNT` lines
   * (k-anonymity: the password and its full hash never leave the process). Default Have I Been
   * Pwned's, `https://api.pwnedpasswords.com/range/`.
   */
  endpoint?: string;
  /** The fetch to use (a proxy-aware one, a test double). Default `globalThis.fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Milliseconds before the check gives up and lets the password through. Default 2000. */
  timeoutMs?: number;
  /** Told when the range API fails or times out (the check then fails open). */
  onError?(error: unknown): void;
}

/** Answers whether a password appears in the breach corpus; false when the API is unreachable. */
export type BreachedPasswordCheck = (password: string) => Promise<boolean>;

/**
 * A breached-password check over a k-anonymity range API (Have I Been Pwned's by default): only
 * the first five hex digits of the password's SHA-1 are sent, with `Add-Padding: true` so the
 * answer's size says nothing either. It fails open: an unreachable or slow API, or an answer
 * that is not a range, lets the password through and calls `onError` (a registration must not
 * depend on a third party being up).
 *
 * @example
 * ```ts
 * const breached = createBreachedPasswordCheck({ onError: (error) => log.warn({ err: error }, 'HIBP down') });
 * const validatePassword = createPasswordPolicy({ breached });
 * ```
 */
export function createBreachedPasswordCheck(
  options: BreachedPasswordCheckOptions = {},
): BreachedPasswordCheck {
  const endpoint = options.endpoint ?? 'https://api.pwnedpasswords.com/range/';
  const timeoutMs = options.timeoutMs ?? 2000;
  const send = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  return async (password) => {
    const digest = new Uint8Array(
      await crypto.subtle.digest('SHA-1', new TextEncoder().encode(password)),
    );
    const hash = hex(digest).toUpperCase();
    const prefix = hash.slice(0, 5);
    const suffix = hash.slice(5);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await send(`${endpoint}${prefix}`, {
        headers: { 'add-padding': 'true' },
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`range API answered ${response.status}`);
      const body = await response.text();
      for (const line of body.split('\n')) {
        const [candidate, count] = line.trim().split(':');
        // Padding entries have a count of 0.
        if (candidate?.toUpperCase() === suffix && Number(count) > 0) return true;
      }
      return false;
    } catch (error) {
      options.onError?.(error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
}
