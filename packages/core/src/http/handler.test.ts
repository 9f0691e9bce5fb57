import { describe, expect, test } from 'vitest';
import { ErrorCode, PortcullisError } from '../errors';
import { createHandler, type HandlerOptions } from './handler';
import { fromFetchRequest } from './request';
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

describe('createHandler: admit', () => {
  const request = () => fromFetchRequest(new Request('http://portcullis.test/a'));
  const routed = (admit: HandlerOptions['admit'], handle: Route['handle']) => {
    const handler = createHandler([['/', { routes: [{ ...route('GET', '/a', 'a'), handle }] }]], {
      admit,
    });
    const found = handler.match('GET', '/a');
    if (!found) throw new Error('no route');
    return { handler, found };
  };

  test('a route admit answers null for (not a promise) runs at once: its answer is what the route gives', async () => {
    let ran = 0;
    const { handler, found } = routed(
      () => null,
      async () => {
        ran++;
        return json('ran');
      },
    );
    const pending = handler.run(found, request());
    // Started synchronously: no turn spent waiting for an admission that was never asked.
    expect(ran).toBe(1);
    expect((await pending).body).toBe('"ran"');
  });

  test("admit's refusal is the answer, and the route never runs", async () => {
    let ran = 0;
    const { handler, found } = routed(
      async () => json('refused', 429),
      async () => {
        ran++;
        return json('ran');
      },
    );
    expect(await handler.run(found, request())).toMatchObject({ status: 429, body: '"refused"' });
    expect(ran).toBe(0);
  });

  test('an admit that throws, synchronously or not, is answered as a route error would be', async () => {
    const unavailable = () => new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE);
    const outages: unknown[] = [];
    for (const admit of [
      () => {
        throw unavailable();
      },
      async () => {
        throw unavailable();
      },
    ]) {
      const handler = createHandler([['/', { routes: [route('GET', '/a', 'a')] }]], {
        admit,
        onUnavailable: (error) => outages.push(error),
      });
      const found = handler.match('GET', '/a');
      if (!found) throw new Error('no route');
      const pending = handler.run(found, request());
      expect(pending).toBeInstanceOf(Promise);
      expect((await pending).status).toBe(503);
    }
    expect(outages).toHaveLength(2);
    const bug = createHandler([['/', { routes: [route('GET', '/a', 'a')] }]], {
      admit: () => {
        throw new TypeError('a bug in admit');
      },
    });
    const found = bug.match('GET', '/a');
    if (!found) throw new Error('no route');
    await expect(bug.run(found, request())).rejects.toThrow('a bug in admit');
  });
});
