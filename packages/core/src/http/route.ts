import type { LazySchema } from '../internal/lazy-schema';
import type { PortcullisRequest } from './request';
import type { PortcullisResponse } from './response';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** An error example shown in the OpenAPI document (see docs/contract/routes.md#openapi). */
export interface ErrorExample {
  summary: string;
  value: unknown;
}

export interface ResponseDoc {
  status: number;
  description: string;
  /** JSON body schema; a string names a component defined by the builder (e.g. `ErrorModel`). */
  schema?: LazySchema | 'ErrorModel' | 'BearerResponse' | 'null';
  examples?: Record<string, ErrorExample>;
}

/** What the OpenAPI builder needs to document a route, next to the route itself. */
export interface RouteDoc {
  /** Body schema (built on first use, docs/performance.md#import-cost) and how it travels. */
  body?: { kind: 'json' | 'form'; schema: LazySchema; embedded?: boolean; required?: boolean };
  query?: { name: string; schema: LazySchema; required?: boolean }[];
  /** Responses in documented order; 422 is appended by the builder when the route takes input. */
  responses: ResponseDoc[];
  /** The route needs the current user: every backend's security scheme is listed. */
  secured?: boolean;
  description?: string;
}

export interface RouteContext {
  request: PortcullisRequest;
  params: Record<string, string>;
}

/** One route, relative to its router's prefix. */
export interface Route {
  readonly method: HttpMethod;
  /** e.g. `/login` or `/{id}`. */
  readonly path: string;
  /** FastAPI Users' route name (`auth:jwt.login`), used for summaries and operation ids. */
  readonly name: string;
  readonly doc: RouteDoc;
  /**
   * Whether the route spends its client's per-address budget (429 past it, checked before the
   * route runs). Unset: every POST whose `doc` is not `secured` does, so a new route reached
   * without credentials is covered as is; set `true` on a GET that acts without credentials
   * (an OAuth callback), `false` to exempt a route. See docs/abuse-protection.md.
   */
  readonly perAddressLimit?: boolean;
  handle(context: RouteContext): Promise<PortcullisResponse>;
}

/** A group of routes mounted together under one prefix. */
export interface Router {
  readonly routes: readonly Route[];
}
