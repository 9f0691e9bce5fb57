/**
 * Reads one cookie as Starlette does: the last occurrence of the name wins, quotes around the
 * value are dropped, nothing is percent-decoded, and an empty value counts as absent (see docs/contract/routes.md#framework-rules).
 */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  let found: string | null = null;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end && header.slice(start, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
        value = value.slice(1, -1);
      found = value;
    }
    start = end + 1;
  }
  return found === '' ? null : found;
}

export interface CookieAttributes {
  maxAge?: number | null;
  path?: string;
  domain?: string | null;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
}

/**
 * Serialises a Set-Cookie value with attributes in the order Python's cookie serializer emits
 * them (alphabetical: Domain, HttpOnly, Max-Age, Path, SameSite, Secure; docs/contract/behaviour.md#cookie-transport).
 */
export function serializeCookie(name: string, value: string, attrs: CookieAttributes): string {
  const parts = [`${name}=${value}`];
  if (attrs.domain) parts.push(`Domain=${attrs.domain}`);
  if (attrs.httpOnly) parts.push('HttpOnly');
  if (attrs.maxAge !== undefined && attrs.maxAge !== null) parts.push(`Max-Age=${attrs.maxAge}`);
  if (attrs.path) parts.push(`Path=${attrs.path}`);
  if (attrs.sameSite) parts.push(`SameSite=${attrs.sameSite}`);
  if (attrs.secure) parts.push('Secure');
  return parts.join('; ');
}
