import { type CookieAttributes, readCookie, serializeCookie } from '../http/cookies';
import { empty, type PortcullisResponse } from '../http/response';
import type { CredentialHeaders, Transport } from './transport';

export interface CookieTransportOptions {
  /** Default `fastapiusersauth`, FastAPI Users' name, so existing frontends keep working. */
  cookieName?: string;
  /** Seconds; null (default) makes a session cookie. */
  cookieMaxAge?: number | null;
  cookiePath?: string;
  cookieDomain?: string | null;
  /**
   * Default true. Turning it off sends the session cookie over plain http, where anyone on the
   * network can read it: only for local development on localhost.
   */
  cookieSecure?: boolean;
  /** Default true: scripts on the page cannot read the session cookie. */
  cookieHttpOnly?: boolean;
  cookieSameSite?: 'lax' | 'strict' | 'none';
}

/**
 * Tokens in a cookie; login answers 204 with `Set-Cookie`, logout 204 with a clearing cookie
 * (see docs/contract/behaviour.md#cookie-transport). Secure, HttpOnly and SameSite=Lax by default.
 *
 * @example
 * ```ts
 * const transport = createCookieTransport({ cookieMaxAge: 3600 });
 * ```
 */
export function createCookieTransport(options: CookieTransportOptions = {}): Transport {
  const name = options.cookieName ?? 'fastapiusersauth';
  const attrs: CookieAttributes = {
    maxAge: options.cookieMaxAge ?? null,
    path: options.cookiePath ?? '/',
    domain: options.cookieDomain ?? null,
    secure: options.cookieSecure ?? true,
    httpOnly: options.cookieHttpOnly ?? true,
    sameSite: options.cookieSameSite ?? 'lax',
  };
  const clearing = serializeCookie(name, '""', { ...attrs, maxAge: 0 });
  return {
    kind: 'cookie',
    readToken(headers: CredentialHeaders): string | null {
      return readCookie(headers.cookie, name);
    },
    loginResponse(token: string): PortcullisResponse {
      return empty(204, [['set-cookie', serializeCookie(name, token, attrs)]]);
    },
    logoutResponse(): PortcullisResponse {
      return empty(204, [['set-cookie', clearing]]);
    },
    securityScheme: { name: 'APIKeyCookie', scheme: { type: 'apiKey', in: 'cookie', name } },
  };
}
