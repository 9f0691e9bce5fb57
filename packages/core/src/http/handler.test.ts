import { describe, expect, test } from 'vitest';
import { createHandler } from './handler';
import { json } from './response';
import type { Route } from './route';

const route = (method: Route['method'], path: string, name: string): Route => ({
  method,
  path,
  name,
  doc: { responses: [] },
  handle: async () => json(name),
});

describe('createHandler: match', () => {
  test('earlier routes win, with or without parameters, as in a scan of the mounts', () => {
    const handler = createHandler([
      [
        '/users',
        {
          routes: [
            route('GET', '/me', 'me'),
            route('GET', '/{id}', 'by-id'),
            route('PATCH', '/{id}', 'patch-by-id'),
            route('PATCH', '/me', 'patch-me'),
            route('GET', '/me', 'me-again'),
          ],
        },
      ],
      ['/', { routes: [route('POST', '/login', 'login')] }],
    ]);
    const named = (method: string, path: string) => handler.match(method, path)?.route.name;
    expect(named('GET', '/users/me')).toBe('me');
    expect(named('HEAD', '/users/me')).toBe('me');
    expect(named('GET', '/users/42')).toBe('by-id');
    expect(handler.match('GET', '/users/42')?.params).toEqual({ id: '42' });
    // PATCH /{id} comes first: /me is one of its ids.
    expect(named('PATCH', '/users/me')).toBe('patch-by-id');
    expect(handler.match('PATCH', '/users/me')?.params).toEqual({ id: 'me' });
    expect(named('POST', '/login')).toBe('login');
    expect(handler.match('DELETE', '/users/me')).toBeNull();
    expect(handler.match('GET', '/users/me/')).toBeNull();
    expect(handler.match('GET', '/login')).toBeNull();
    expect(handler.match('GET', '/users/me')?.params).toEqual({});
  });
});
