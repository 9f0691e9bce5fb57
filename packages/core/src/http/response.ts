import { isPortcullisError } from '../errors';
import { RETRY_AFTER_HEADERS } from '../internal/retry-after';

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The text of every body core serialised itself, so the Node adapters write it without reading
 * it back through the Response's web stream (issue 7: a stream read per response, on Node 20
 * one of the larger costs of a cheap route). Keyed by the Response object: a response from
 * anywhere else is read the ordinary way.
 */
const serialisedBodies = new WeakMap<Response, string>();

/** The body text of a response made by {@link json}, or undefined for any other response. */
export function serialisedBody(response: Response): string | undefined {
  return serialisedBodies.get(response);
}

/** A compact JSON response, as FastAPI sends them (spec §6: `null` bodies included). */
export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  const text = JSON.stringify(body);
  const response = new Response(text, { status, headers: JSON_HEADERS });
  if (headers) for (const [k, v] of new Headers(headers)) response.headers.append(k, v);
  serialisedBodies.set(response, text);
  return response;
}

/** A response without a body (204 and friends). */
export function empty(status = 204): Response {
  return new Response(null, { status });
}

const PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** `{"detail": <status phrase>}`, FastAPI's body for an HTTPException without detail (spec §2.2). */
export function statusError(status: number): Response {
  return json({ detail: PHRASES[status] ?? 'Error' }, status);
}

/** Answers any error a route raised: Portcullis errors by their code, anything else rethrown. */
export function errorResponse(error: unknown): Response {
  if (!isPortcullisError(error)) throw error;
  switch (error.code) {
    case 'VALIDATION_ERROR':
      return json({ detail: error.reason }, 422);
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'INVALID_ID':
    case 'USER_NOT_EXISTS':
    case 'BODY_TOO_LARGE':
      return statusError(error.status);
    case 'BAD_REQUEST':
      return json({ detail: error.message }, 400);
    case 'SERVICE_UNAVAILABLE':
      return json({ detail: 'SERVICE_UNAVAILABLE' }, 503, RETRY_AFTER_HEADERS);
    default:
      if (error.code.endsWith('_INVALID_PASSWORD')) {
        return json({ detail: { code: error.code, reason: error.reason } }, 400);
      }
      if (error.status >= 500) throw error;
      return json({ detail: error.code }, error.status);
  }
}
