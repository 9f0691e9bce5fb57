import { isPortcullisError, type PortcullisError } from '../errors';
import { type FetchConnectionInfo, fromFetchRequest, type PortcullisRequest } from './request';
import { errorResponse, type PortcullisResponse, statusError, toFetchResponse } from './response';
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

/** Options of a handler; `createPortcullis` fills them from its own (`logger`). */
export interface HandlerOptions {
  /**
   * Told about every error that is not a Portcullis error (a hook that threw, a bug) before the
   * Fetch handler answers 500. The Node adapters rethrow such errors to the host instead.
   */
  onError?(error: unknown, request: PortcullisRequest): void;
  /** Told about every outage (a store that could not be reached) before its 503 is sent. */
  onUnavailable?(error: PortcullisError, request: PortcullisRequest): void;
  /**
   * The client's address when `fetch` is called without connection info (e.g. from a header
   * a trusted edge sets). Default: unknown.
   */
  remoteAddress?(request: Request): string | null;
  /**
   * Runs before every matched route; a response it returns is the answer instead of the
   * route's (`createPortcullis` passes the per-address budget here). Null, not a promise, when
   * it has nothing to check for this route: the route then runs without waiting a turn.
   */
  admit?(
    route: MountedRoute,
    request: PortcullisRequest,
  ): Promise<PortcullisResponse | null> | null;
}

/**
 * The routes of every mounted router, matched and answered. `fetch` serves Hono, Bun, Deno and
 * Next route handlers as is (WHATWG `Request → Response`); the Node adapters call `respond`
 * with a request read straight from `IncomingMessage`, so paths they do not own fall through
 * to the app.
 */
export interface PortcullisHandler {
  readonly routes: readonly MountedRoute[];
  /** The route for a method and path, or null (also null when only the method differs). */
  match(method: string, pathname: string): RouteMatch | null;
  /** The methods some route allows on this path (for 405 answers); empty when none. */
  allowedMethods(pathname: string): HttpMethod[];
  /** Answers a matched route; unknown errors (from hooks, say) are rethrown for the host. */
  run(match: RouteMatch, request: PortcullisRequest): Promise<PortcullisResponse>;
  /**
   * Answers a request to one of the mounted paths (405 with `Allow` for a method no route
   * takes), or null when no route lives at `pathname`. Unknown errors are rethrown.
   */
  respond(request: PortcullisRequest, pathname: string): Promise<PortcullisResponse | null>;
  /**
   * Answers any request: 404 `{"detail":"Not Found"}` for unknown paths, 405 for a wrong
   * method, 500 (after `onError`) for an unexpected error.
   */
  fetch(request: Request, connection?: FetchConnectionInfo): Promise<Response>;
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
 * declared before `/{id}` (FastAPI Users' own order).
 */
export function createHandler(mounts: Mounts, options: HandlerOptions = {}): PortcullisHandler {
  const compiled: Compiled[] = [];
  for (const [prefix, router] of mounts) {
    for (const route of router.routes) {
      const fullPath = joinPath(prefix, route.path);
      const mounted: MountedRoute = Object.freeze({
        method: route.method,
        path: route.path,
        name: route.name,
        doc: route.doc,
        perAddressLimit: route.perAddressLimit,
        handle: route.handle,
        fullPath,
      });
      compiled.push({ route: mounted, segments: splitPath(fullPath) });
    }
  }
  const routes = compiled.map((c) => c.route);
  // A path without parameters is found by one lookup, unless an earlier route of the same method
  // with parameters also matches it (the scan below gives the earlier route; earlier routes win).
  // By method, then path: no key string to build per request.
  const exact = new Map<string, Map<string, RouteMatch>>();
  compiled.forEach((entry, index) => {
    const { method, fullPath } = entry.route;
    let byPath = exact.get(method);
    if (byPath === undefined) {
      byPath = new Map();
      exact.set(method, byPath);
    }
    if (fullPath.includes('{') || byPath.has(fullPath)) return;
    const shadowed = compiled
      .slice(0, index)
      .some(
        (earlier) =>
          earlier.route.method === method && matchSegments(earlier.segments, entry.segments),
      );
    if (!shadowed) {
      byPath.set(fullPath, Object.freeze({ route: entry.route, params: Object.freeze({}) }));
    }
  });

  const match = (method: string, pathname: string): RouteMatch | null => {
    // Starlette answers HEAD wherever it answers GET (the body is dropped by the server).
    const wanted = method === 'HEAD' ? 'GET' : method;
    const found = exact.get(wanted)?.get(pathname);
    if (found !== undefined) return found;
    const actual = splitPath(pathname);
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

  const failed = (error: unknown, request: PortcullisRequest): PortcullisResponse => {
    if (isPortcullisError(error) && error.status === 503) options.onUnavailable?.(error, request);
    return errorResponse(error);
  };
  const handle = async (found: RouteMatch, request: PortcullisRequest) => {
    try {
      return await found.route.handle({ request, params: found.params });
    } catch (error) {
      return failed(error, request);
    }
  };
  const admitted = async (
    refusal: Promise<PortcullisResponse | null>,
    found: RouteMatch,
    request: PortcullisRequest,
  ): Promise<PortcullisResponse> => {
    try {
      const refused = await refusal;
      if (refused) return refused;
    } catch (error) {
      return failed(error, request);
    }
    return handle(found, request);
  };
  // A route `admit` has nothing to check for (most of them) goes through one async function
  // fewer: each costs about a thousand instructions a request (docs/performance.md).
  const run = (found: RouteMatch, request: PortcullisRequest): Promise<PortcullisResponse> => {
    let refusal: Promise<PortcullisResponse | null> | null;
    try {
      refusal = options.admit ? options.admit(found.route, request) : null;
    } catch (error) {
      refusal = Promise.reject(error);
    }
    return refusal === null ? handle(found, request) : admitted(refusal, found, request);
  };

  const respond = async (
    request: PortcullisRequest,
    pathname: string,
  ): Promise<PortcullisResponse | null> => {
    const found = match(request.method, pathname);
    if (found) return run(found, request);
    const allowed = allowedMethods(pathname);
    if (allowed.length === 0) return null;
    const response = statusError(405);
    response.headers.push(['allow', allowed.join(', ')]);
    return response;
  };

  return {
    routes,
    match,
    allowedMethods,
    run,
    respond,
    async fetch(request: Request, connection?: FetchConnectionInfo): Promise<Response> {
      const remoteAddress = connection?.remoteAddress ?? options.remoteAddress?.(request) ?? null;
      const portable = fromFetchRequest(request, { remoteAddress });
      try {
        const response = await respond(portable, new URL(request.url).pathname);
        return toFetchResponse(response ?? statusError(404), request.method !== 'HEAD');
      } catch (error) {
        options.onError?.(error, portable);
        return new Response('Internal Server Error', {
          status: 500,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
      }
    },
  };
}
