import { isPortcullisError } from '../errors';

/**
 * What core's routes answer: a status, header pairs and a body, turned into a WHATWG `Response`
 * by the Fetch handler and written straight to `ServerResponse` by the Node bridge.
 * `onAfterLogin` hooks may add headers (cookies included) before it is sent.
 *
 * @example
 * ```ts
 * // In an onAfterLogin hook: one more cookie on the login answer.
 * response.headers.push(['set-cookie', 'seen=1; Path=/; SameSite=lax']);
 * ```
 */
export interface PortcullisResponse {
  status: number;
  /**
   * Lower-case names with their values, in order. `set-cookie` may appear several times: each
   * cookie stays a header of its own (joined with commas, a cookie whose `Expires` holds a comma
   * would be cut in two, RFC 6265 §3).
   */
  headers: [name: string, value: string][];
  /** The body text (JSON for every route core answers itself), or null for none. */
  body: string | null;
}

/** Seconds a client should wait after a 503 (the store was unreachable) before retrying. */
export const RETRY_AFTER_SECONDS = 5;

/** A compact JSON response, as FastAPI sends them (a `null` body included). */
export function json(
  body: unknown,
  status = 200,
  headers?: [string, string][],
): PortcullisResponse {
  const all: [string, string][] = [['content-type', 'application/json']];
  if (headers !== undefined) for (const header of headers) all.push(header);
  return { status, headers: all, body: JSON.stringify(body) };
}

/** A response without a body (204 and friends). */
export function empty(status = 204, headers: [string, string][] = []): PortcullisResponse {
  return { status, headers, body: null };
}

/** The first value of a header, or null. */
export function headerOf(response: PortcullisResponse, name: string): string | null {
  for (const [key, value] of response.headers) if (key === name) return value;
  return null;
}

const PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** `{"detail": <status phrase>}`, FastAPI's body for an HTTPException without detail. */
export function statusError(status: number): PortcullisResponse {
  return json({ detail: PHRASES[status] ?? 'Error' }, status);
}

/** 503 `SERVICE_UNAVAILABLE` with `Retry-After`, for a store that could not be reached. */
export function serviceUnavailable(): PortcullisResponse {
  return json({ detail: 'SERVICE_UNAVAILABLE' }, 503, [
    ['retry-after', String(RETRY_AFTER_SECONDS)],
  ]);
}

/** Answers any error a route raised: Portcullis errors by their code, anything else rethrown. */
export function errorResponse(error: unknown): PortcullisResponse {
  if (!isPortcullisError(error)) throw error;
  switch (error.code) {
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'INVALID_ID':
    case 'USER_NOT_EXISTS':
    case 'BODY_TOO_LARGE':
      return statusError(error.status);
    case 'REQUEST_TIMEOUT': {
      // The rest of a body that is late is never read: the connection cannot be reused.
      const response = statusError(408);
      response.headers.push(['connection', 'close']);
      return response;
    }
    case 'SERVICE_UNAVAILABLE':
      return serviceUnavailable();
    case 'TOO_MANY_REQUESTS': {
      const wait = Math.max(1, Math.ceil(error.retryAfter ?? 1));
      return json({ detail: error.detail }, 429, [['retry-after', String(wait)]]);
    }
    default:
      if (error.status >= 500) throw error;
      return json({ detail: error.detail }, error.status);
  }
}

/**
 * Calls `set` once per header name of `response`. Every `Set-Cookie` is handed over in one
 * array, so each cookie stays a header of its own: joined with commas, a cookie whose
 * `Expires` holds a comma would be cut in two (RFC 6265 §3).
 *
 * @example
 * ```ts
 * eachHeader(response, (name, value) => reply.header(name, value));
 * ```
 */
export function eachHeader(
  response: PortcullisResponse,
  set: (name: string, value: string | string[]) => void,
): void {
  let cookies: string[] | undefined;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') set(name, value);
    else if (cookies) cookies.push(value);
    else cookies = [value];
  }
  if (cookies) set('set-cookie', cookies);
}

/**
 * A route's answer as a WHATWG `Response`.
 *
 * @example
 * ```ts
 * return toFetchResponse(json({ ok: true }));
 * ```
 */
export function toFetchResponse(response: PortcullisResponse, withBody = true): Response {
  const headers = new Headers();
  for (const [name, value] of response.headers) headers.append(name, value);
  return new Response(withBody ? response.body : null, { status: response.status, headers });
}
