import { describe, expect, test } from 'vitest';
import { createCsrfCookie } from './csrf-cookie';

describe('OAuth CSRF cookie', () => {
  test('is serialised exactly like upstream by default', () => {
    const cookie = createCsrfCookie({}, 3600);
    expect(cookie.serialize('tok')).toBe(
      'fastapiusersoauthcsrf=tok; HttpOnly; Max-Age=3600; Path=/; SameSite=lax; Secure',
    );
  });

  test('honours every option, and drops Secure only when asked', () => {
    const cookie = createCsrfCookie(
      {
        csrfTokenCookieName: 'csrf',
        csrfTokenCookiePath: '/auth',
        csrfTokenCookieDomain: 'example.com',
        csrfTokenCookieSecure: false,
        csrfTokenCookieHttpOnly: false,
        csrfTokenCookieSameSite: 'strict',
      },
      600,
    );
    expect(cookie.serialize('tok')).toBe(
      'csrf=tok; Domain=example.com; Max-Age=600; Path=/auth; SameSite=strict',
    );
  });

  test('matches only the same token from the same cookie name', () => {
    const cookie = createCsrfCookie({}, 3600);
    expect(cookie.matches('fastapiusersoauthcsrf=abc', 'abc')).toBe(true);
    expect(cookie.matches('a=1; fastapiusersoauthcsrf=abc; b=2', 'abc')).toBe(true);
    expect(cookie.matches('fastapiusersoauthcsrf=abd', 'abc')).toBe(false);
    expect(cookie.matches('other=abc', 'abc')).toBe(false);
    expect(cookie.matches(null, 'abc')).toBe(false);
    expect(cookie.matches('fastapiusersoauthcsrf=', '')).toBe(false);
    expect(cookie.matches('fastapiusersoauthcsrf=abc', null)).toBe(false);
  });

  test('refuses SameSite=None without Secure, which browsers drop', () => {
    expect(() =>
      createCsrfCookie({ csrfTokenCookieSameSite: 'none', csrfTokenCookieSecure: false }, 60),
    ).toThrow(/requires csrfTokenCookieSecure/);
  });
});
