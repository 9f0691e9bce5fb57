import { describe, expect, test } from 'vitest';
import { readCookie, serializeCookie } from './cookies';

describe('readCookie', () => {
  test('an absent or empty header has no cookie', () => {
    expect(readCookie(undefined, 'sid')).toBeNull();
    expect(readCookie(null, 'sid')).toBeNull();
    expect(readCookie('', 'sid')).toBeNull();
  });

  test('finds the cookie alone, first, in the middle and last', () => {
    expect(readCookie('sid=abc', 'sid')).toBe('abc');
    expect(readCookie('sid=abc; a=1', 'sid')).toBe('abc');
    expect(readCookie('a=1; sid=abc; b=2', 'sid')).toBe('abc');
    expect(readCookie('a=1; b=2; sid=abc', 'sid')).toBe('abc');
  });

  test('an absent name is null', () => {
    expect(readCookie('a=1; b=2', 'sid')).toBeNull();
  });

  test('matches the whole name only, not a prefix or a suffix of another name', () => {
    expect(readCookie('xsid=1; sid2=2', 'sid')).toBeNull();
    expect(readCookie('xsid=1; sid=3; sid2=2', 'sid')).toBe('3');
  });

  test('does not take a name from inside another cookie value', () => {
    expect(readCookie('a=sid=evil; sid=good', 'sid')).toBe('good');
    expect(readCookie('a=sid=evil', 'sid')).toBeNull();
  });

  test('ignores whitespace around names and values, and a trailing semicolon', () => {
    expect(readCookie('a=1;sid=abc', 'sid')).toBe('abc');
    expect(readCookie('  sid  =  abc  ; a=1', 'sid')).toBe('abc');
    expect(readCookie('sid=abc;', 'sid')).toBe('abc');
  });

  test('keeps "=" inside a value (base64 padding)', () => {
    expect(readCookie('sid=YWJj==; a=1', 'sid')).toBe('YWJj==');
  });

  test('skips attribute-like chunks without "="', () => {
    expect(readCookie('flag; sid=abc', 'sid')).toBe('abc');
    expect(readCookie('sid; a=1', 'sid')).toBeNull();
  });

  test('unquotes a double-quoted value', () => {
    expect(readCookie('sid="abc"', 'sid')).toBe('abc');
    expect(readCookie('sid="', 'sid')).toBe('"');
  });

  test('an empty value, quoted or not, counts as absent', () => {
    expect(readCookie('sid=', 'sid')).toBeNull();
    expect(readCookie('sid=; a=1', 'sid')).toBeNull();
    expect(readCookie('sid=""', 'sid')).toBeNull();
    expect(readCookie('sid=   ; a=1', 'sid')).toBeNull();
  });

  test('reads a JWT and a 43-character opaque token unchanged', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln-_';
    const opaque = 'k3J_xZ-0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX';
    expect(readCookie(`a=1; fastapiusersauth=${jwt}`, 'fastapiusersauth')).toBe(jwt);
    expect(readCookie(`fastapiusersauth=${opaque}`, 'fastapiusersauth')).toBe(opaque);
  });
});

describe('serializeCookie', () => {
  const all = {
    maxAge: 60,
    path: '/',
    domain: 'example.com',
    secure: true,
    httpOnly: true,
    sameSite: 'lax',
  } as const;

  test('writes attributes in alphabetical order: Domain HttpOnly Max-Age Path SameSite Secure', () => {
    expect(serializeCookie('sid', 'v', all)).toBe(
      'sid=v; Domain=example.com; HttpOnly; Max-Age=60; Path=/; SameSite=lax; Secure',
    );
  });

  test('omits unset attributes and false flags', () => {
    expect(serializeCookie('sid', 'v', {})).toBe('sid=v');
    const off = { ...all, domain: null, maxAge: null, secure: false, httpOnly: false };
    expect(serializeCookie('sid', 'v', off)).toBe('sid=v; Path=/; SameSite=lax');
  });

  test('writes Max-Age=0 (a clearing cookie) rather than dropping it', () => {
    expect(serializeCookie('sid', '""', { ...all, domain: null, maxAge: 0 })).toBe(
      'sid=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure',
    );
  });

  test('writes SameSite=strict and SameSite=none as given', () => {
    expect(serializeCookie('sid', 'v', { sameSite: 'strict' })).toBe('sid=v; SameSite=strict');
    expect(serializeCookie('sid', 'v', { sameSite: 'none', secure: true })).toBe(
      'sid=v; SameSite=none; Secure',
    );
  });
});
