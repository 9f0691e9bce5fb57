import { type CookieAttributes, readCookie, serializeCookie } from '../http/cookies';
import { empty, type PortcullisResponse } from '../http/response';
import type { CredentialHeaders, RefreshAnswer, Transport } from './transport';

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
  /**
   * The refresh cookie's name on a backend with refresh tokens; default `<cookieName>_refresh`.
   * It is HttpOnly and sent only to the backend's `/refresh` route (docs/sessions.md).
   */
  refreshCookieName?: string;
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
  const refreshName = options.refreshCookieName ?? `${name}_refresh`;
  const refreshAttrs = (path: string, maxAge: number): CookieAttributes => ({
    ...attrs,
    httpOnly: true,
    path,
    maxAge,
  });
  return {
    kind: 'cookie',
    readToken(headers: CredentialHeaders): string | null {
      return readCookie(headers.cookie, name);
    },
    readRefreshToken(headers: CredentialHeaders): string | null {
      return readCookie(headers.cookie, refreshName);
    },
    loginResponse(token: string, refresh?: RefreshAnswer): PortcullisResponse {
      const cookies: [string, string][] = [['set-cookie', serializeCookie(name, token, attrs)]];
      if (refresh) {
        const { refreshToken, refreshPath, refreshMaxAge } = refresh;
        const value = serializeCookie(
          refreshName,
          refreshToken,
          refreshAttrs(refreshPath, refreshMaxAge),
        );
        cookies.push(['set-cookie', value]);
      }
      return empty(204, cookies);
    },
    logoutResponse(refreshPath?: string): PortcullisResponse {
      const cookies: [string, string][] = [['set-cookie', clearing]];
      if (refreshPath !== undefined) {
        const value = serializeCookie(refreshName, '""', refreshAttrs(refreshPath, 0));
        cookies.push(['set-cookie', value]);
      }
      return empty(204, cookies);
    },
    securityScheme: { name: 'APIKeyCookie', scheme: { type: 'apiKey', in: 'cookie', name } },
  };
}
