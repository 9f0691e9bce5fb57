import { describe, expect, test } from 'vitest';
import { toFetchResponse } from '../http/response';
import { createBearerTransport } from './bearer-transport';
import { createCookieTransport } from './cookie-transport';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.e30.sig';

describe('bearer transport', () => {
  const bearer = createBearerTransport({ tokenUrl: 'auth/jwt/login' });
  const read = (authorization: string | null | undefined) => bearer.readToken({ authorization });

  test('reads the token after a case-insensitive Bearer scheme', () => {
    expect(read(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(read(`bearer ${TOKEN}`)).toBe(TOKEN);
    expect(read(`BEARER ${TOKEN}`)).toBe(TOKEN);
    expect(read(`bEaReR ${TOKEN}`)).toBe(TOKEN);
  });

  test('splits at the first space and trims the rest', () => {
    expect(read('Bearer a b')).toBe('a b');
    expect(read(`Bearer  ${TOKEN} `)).toBe(TOKEN);
  });

  test('a missing header, another scheme or no token is no token', () => {
    expect(read(undefined)).toBeNull();
    expect(read(null)).toBeNull();
    expect(read('')).toBeNull();
    expect(read('Basic x')).toBeNull();
    expect(read(`Bearer${TOKEN}`)).toBeNull();
    expect(read('Bearer')).toBeNull();
    expect(read('Bearer   ')).toBeNull();
    expect(read('Bearer ')).toBeNull();
    expect(read(`Bearers ${TOKEN}`)).toBeNull();
    expect(read(`Bearer\t${TOKEN}`)).toBeNull();
    expect(bearer.readToken({ cookie: `fastapiusersauth=${TOKEN}` })).toBeNull();
  });

  test('login answers 200 with exactly {"access_token","token_type":"bearer"}', async () => {
    const response = toFetchResponse(bearer.loginResponse(TOKEN));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toBe(`{"access_token":"${TOKEN}","token_type":"bearer"}`);
  });

  test('logout answers 204 with no body', async () => {
    const response = toFetchResponse(bearer.logoutResponse());
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });
});

describe('cookie transport', () => {
  test('login answers 204 with the exact Set-Cookie for a max age', async () => {
    const response = toFetchResponse(
      createCookieTransport({ cookieMaxAge: 3600 }).loginResponse(TOKEN),
    );
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.getSetCookie()).toEqual([
      `fastapiusersauth=${TOKEN}; HttpOnly; Max-Age=3600; Path=/; SameSite=lax; Secure`,
    ]);
  });

  test('makes a session cookie (no Max-Age, no Expires) by default', () => {
    const response = toFetchResponse(createCookieTransport().loginResponse(TOKEN));
    expect(response.headers.get('set-cookie')).toBe(
      `fastapiusersauth=${TOKEN}; HttpOnly; Path=/; SameSite=lax; Secure`,
    );
  });

  test('puts Domain first when set, and honours name, path and SameSite', () => {
    const transport = createCookieTransport({
      cookieName: 'sid',
      cookieDomain: 'example.com',
      cookiePath: '/app',
      cookieMaxAge: 60,
      cookieSameSite: 'strict',
    });
    expect(toFetchResponse(transport.loginResponse(TOKEN)).headers.get('set-cookie')).toBe(
      `sid=${TOKEN}; Domain=example.com; HttpOnly; Max-Age=60; Path=/app; SameSite=strict; Secure`,
    );
  });

  test('omits HttpOnly and Secure when they are turned off', () => {
    const transport = createCookieTransport({ cookieSecure: false, cookieHttpOnly: false });
    expect(toFetchResponse(transport.loginResponse(TOKEN)).headers.get('set-cookie')).toBe(
      `fastapiusersauth=${TOKEN}; Path=/; SameSite=lax`,
    );
  });

  test('logout answers 204 with the exact clearing cookie', async () => {
    const response = toFetchResponse(
      createCookieTransport({ cookieMaxAge: 3600 }).logoutResponse(),
    );
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.getSetCookie()).toEqual([
      'fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure',
    ]);
  });

  test('the clearing cookie keeps the configured domain and path', () => {
    const transport = createCookieTransport({ cookieDomain: 'example.com', cookiePath: '/app' });
    expect(toFetchResponse(transport.logoutResponse()).headers.get('set-cookie')).toBe(
      'fastapiusersauth=""; Domain=example.com; HttpOnly; Max-Age=0; Path=/app; SameSite=lax; Secure',
    );
  });

  test('reads the token from its cookie among others', () => {
    const transport = createCookieTransport();
    const read = (cookie: string | null | undefined) => transport.readToken({ cookie });
    expect(read(`a=1; fastapiusersauth=${TOKEN}; b=2`)).toBe(TOKEN);
    expect(read(`fastapiusersauth=${TOKEN}`)).toBe(TOKEN);
    expect(read('a=1; b=2')).toBeNull();
    expect(read(undefined)).toBeNull();
    expect(transport.readToken({ authorization: `Bearer ${TOKEN}` })).toBeNull();
  });

  test('an empty cookie value is no token', () => {
    const transport = createCookieTransport();
    expect(transport.readToken({ cookie: 'fastapiusersauth=' })).toBeNull();
    expect(transport.readToken({ cookie: 'fastapiusersauth=""' })).toBeNull();
    expect(transport.readToken({ cookie: 'fastapiusersauth=; other=x' })).toBeNull();
  });

  test('reads a cookie with a custom name only', () => {
    const transport = createCookieTransport({ cookieName: 'sid' });
    expect(transport.readToken({ cookie: `fastapiusersauth=x; sid=${TOKEN}` })).toBe(TOKEN);
    expect(transport.readToken({ cookie: `fastapiusersauth=${TOKEN}` })).toBeNull();
  });
});
