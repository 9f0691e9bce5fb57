import { ErrorCode, PortcullisError } from '../errors';
import { readCookie, serializeCookie } from '../http/cookies';
import { timingSafeEqual } from '../random';

/**
 * The CSRF cookie of the OAuth flow (FastAPI Users 15.0.2's double-submit fix for
 * CVE-2025-68481, docs/contract/behaviour.md#oauth-csrf-cookie), with upstream's option names and defaults.
 *
 * @example
 * ```ts
 * // Local development over plain http: a Secure cookie would never come back.
 * const options: CsrfCookieOptions = { csrfTokenCookieSecure: false };
 * ```
 */
export interface CsrfCookieOptions {
  /** Default `fastapiusersoauthcsrf`, upstream's name. */
  csrfTokenCookieName?: string;
  /** Default `/`. */
  csrfTokenCookiePath?: string;
  csrfTokenCookieDomain?: string | null;
  /**
   * Default true. Off, the cookie also travels over plain http, where anyone on the network can
   * read it and replay the login: only for local development over http.
   */
  csrfTokenCookieSecure?: boolean;
  /** Default true: page scripts cannot read the token. */
  csrfTokenCookieHttpOnly?: boolean;
  /** Default `lax`: the cookie must come back on the provider's top-level redirect. */
  csrfTokenCookieSameSite?: 'lax' | 'strict' | 'none';
}

/**
 * Writes and checks the CSRF cookie.
 *
 * @example
 * ```ts
 * const cookie = createCsrfCookie({}, 3600);
 * response.headers.append('set-cookie', cookie.serialize(csrfToken));
 * cookie.matches(request.headers.get('cookie'), state.csrftoken); // boolean
 * ```
 */
export interface CsrfCookie {
  readonly name: string;
  serialize(token: string): string;
  /** True when the cookie is present and equals `expected` (compared in constant time). */
  matches(cookieHeader: string | null, expected: string | null): boolean;
}

/**
 * Creates the CSRF cookie helper; `maxAge` is the state lifetime (upstream: 3600).
 *
 * @throws PortcullisError CONFIGURATION for `SameSite=None` without `Secure` (browsers drop it).
 *
 * @example
 * ```ts
 * const cookie = createCsrfCookie({ csrfTokenCookieSecure: false }, 3600);
 * ```
 */
export function createCsrfCookie(options: CsrfCookieOptions, maxAge: number): CsrfCookie {
  const name = options.csrfTokenCookieName ?? 'fastapiusersoauthcsrf';
  const attributes = {
    maxAge: Math.floor(maxAge),
    path: options.csrfTokenCookiePath ?? '/',
    domain: options.csrfTokenCookieDomain ?? null,
    secure: options.csrfTokenCookieSecure ?? true,
    httpOnly: options.csrfTokenCookieHttpOnly ?? true,
    sameSite: options.csrfTokenCookieSameSite ?? 'lax',
  } as const;
  if (attributes.sameSite === 'none' && !attributes.secure) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'csrfTokenCookieSameSite "none" requires csrfTokenCookieSecure (browsers drop it)',
    );
  }
  return Object.freeze({
    name,
    serialize: (token: string) => serializeCookie(name, token, attributes),
    matches(cookieHeader: string | null, expected: string | null): boolean {
      const actual = readCookie(cookieHeader, name);
      if (actual === null || expected === null) return false;
      return timingSafeEqual(actual, expected);
    },
  });
}
