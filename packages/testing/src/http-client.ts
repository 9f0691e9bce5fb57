/** A request as the HTTP suites write it: one of the body kinds, plus headers. */
export interface HttpRequestInit {
  /** Sent as `application/json` (unless `headers` name another content type). */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`; pairs allow a repeated field. */
  form?: Record<string, string> | readonly (readonly [string, string])[];
  /** Sent as `multipart/form-data`. */
  multipart?: Record<string, string>;
  /** Sent as is; a stream goes out chunked, without `content-length`. */
  body?: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
}

/**
 * A fetch init for a suite request: JSON, urlencoded and multipart bodies get their content type.
 *
 * @example
 * ```ts
 * await fetch(`${url}/auth/register`, toRequestInit('POST', { json: { email, password } }));
 * ```
 */
export function toRequestInit(method: string, init: HttpRequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  const out: RequestInit & { duplex?: 'half' } = { method, headers };
  if (init.json !== undefined) {
    out.body = JSON.stringify(init.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (init.form) {
    const pairs = Array.isArray(init.form) ? init.form : Object.entries(init.form);
    out.body = new URLSearchParams(pairs.map(([key, value]) => [key, value])).toString();
    headers.set('content-type', 'application/x-www-form-urlencoded');
  } else if (init.multipart) {
    const data = new FormData();
    for (const [key, value] of Object.entries(init.multipart)) data.append(key, value);
    out.body = data;
  } else if (init.body !== undefined) {
    out.body = init.body;
    if (init.body instanceof ReadableStream) out.duplex = 'half';
  }
  return out;
}

let counter = 0;

/**
 * A fresh address per call, so every case can share one app and one database. The tag starts
 * the local part (`tag.<unique>@camelot.bt`); the suite's app reacts to a few tags.
 *
 * @example
 * ```ts
 * const email = freshEmail('lancelot');
 * ```
 */
export function freshEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}.${Date.now().toString(36)}${counter}@camelot.bt`;
}
