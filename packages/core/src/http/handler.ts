import { errorResponse, statusError } from './response';
import type { HttpMethod, Route, Router } from './route';

/** A route with the prefix it was mounted under. */
export interface MountedRoute extends Route {
  readonly fullPath: string;
}

export interface RouteMatch {
  route: MountedRoute;
  params: Record<string, string>;
}

/** Routers and the prefixes they are mounted under, in order. */
export type Mounts = readonly (readonly [prefix: string, router: Router])[];

/**
 * The routes of every mounted router, matched and answered as WHATWG `Request → Response`
 * (DESIGN §2). Serves Hono, Bun, Deno and Next route handlers as is; framework adapters use
 * `match` so paths they do not own fall through to the app.
 */
export interface PortcullisHandler {
  readonly routes: readonly MountedRoute[];
  /** The route for a method and path, or null (also null when only the method differs). */
  match(method: string, pathname: string): RouteMatch | null;
  /** The methods some route allows on this path (for 405 answers); empty when none. */
  allowedMethods(pathname: string): HttpMethod[];
  /** Answers a matched route; unknown errors (from hooks, say) are rethrown for the host. */
  run(match: RouteMatch, request: Request): Promise<Response>;
  /**
   * Answers any request: 404 `{"detail":"Not Found"}` for unknown paths, 405 for a wrong
   * method, 500 for an unexpected error.
   */
  fetch(request: Request): Promise<Response>;
}

function joinPath(prefix: string, path: string): string {
  const head = prefix.replace(/\/+$/, '');
  const full = `${head}${path.startsWith('/') ? path : `/${path}`}`;
  return full === '' ? '/' : full;
}

interface Compiled {
  route: MountedRoute;
  segments: string[];
}

function splitPath(pathname: string): string[] {
  return pathname.split('/').slice(1);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const value = actual[i] as string;
    if (expected.startsWith('{') && expected.endsWith('}')) {
      if (value === '') return null;
      try {
        params[expected.slice(1, -1)] = decodeURIComponent(value);
      } catch {
        params[expected.slice(1, -1)] = value;
      }
    } else if (expected !== value) {
      return null;
    }
  }
  return params;
}

/**
 * Builds a handler from mounted routers. Earlier mounts and earlier routes win, so `/me` is
 * declared before `/{id}` (spec §6.5).
 *
 * @example
 * ```ts
 * const handler = createHandler([['/auth/jwt', portcullis.authRouter('jwt')]]);
 * const response = await handler.fetch(new Request('http://localhost/auth/jwt/login', init));
 * ```
 */
export function createHandler(mounts: Mounts): PortcullisHandler {
  const compiled: Compiled[] = [];
  for (const [prefix, router] of mounts) {
    for (const route of router.routes) {
      const fullPath = joinPath(prefix, route.path);
      const mounted: MountedRoute = Object.freeze({
        method: route.method,
        path: route.path,
        name: route.name,
        doc: route.doc,
        handle: route.handle,
        fullPath,
      });
      compiled.push({ route: mounted, segments: splitPath(fullPath) });
    }
  }
  const routes = compiled.map((c) => c.route);

  const match = (method: string, pathname: string): RouteMatch | null => {
    const actual = splitPath(pathname);
    // Starlette answers HEAD wherever it answers GET (the body is dropped by the server).
    const wanted = method === 'HEAD' ? 'GET' : method;
    for (const entry of compiled) {
      if (entry.route.method !== wanted) continue;
      const params = matchSegments(entry.segments, actual);
      if (params) return { route: entry.route, params };
    }
    return null;
  };

  const allowedMethods = (pathname: string): HttpMethod[] => {
    const actual = splitPath(pathname);
    const methods = new Set<HttpMethod>();
    for (const entry of compiled) {
      if (matchSegments(entry.segments, actual)) methods.add(entry.route.method);
    }
    return [...methods];
  };

  const run = async (found: RouteMatch, request: Request): Promise<Response> => {
    try {
      return await found.route.handle({ request, params: found.params });
    } catch (error) {
      return errorResponse(error);
    }
  };

  return {
    routes,
    match,
    allowedMethods,
    run,
    async fetch(request: Request): Promise<Response> {
      const { pathname } = new URL(request.url);
      const found = match(request.method, pathname);
      if (!found) {
        const allowed = allowedMethods(pathname);
        if (allowed.length === 0) return statusError(404);
        const response = statusError(405);
        response.headers.set('allow', allowed.join(', '));
        return response;
      }
      try {
        const response = await run(found, request);
        if (request.method !== 'HEAD') return response;
        return new Response(null, { status: response.status, headers: response.headers });
      } catch {
        return new Response('Internal Server Error', {
          status: 500,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
      }
    },
  };
}
