import type { HttpRequestOptions } from 'oauth4webapi';

/**
 * A `fetch` the clients call instead of the global one (a proxy agent, a test double).
 *
 * @example
 * ```ts
 * const viaProxy: FetchLike = (url, init) => fetch(url, { ...init, dispatcher: proxyAgent });
 * ```
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * How every client reaches its provider.
 *
 * @example
 * ```ts
 * const options: ProviderHttpOptions = { timeoutMs: 5_000 };
 * ```
 */
export interface ProviderHttpOptions {
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Each provider request is aborted after this many milliseconds. Default 10 000. */
  timeoutMs?: number;
  /**
   * Allow `http://` endpoints (oauth4webapi's `allowInsecureRequests`). Codes, tokens and the
   * client secret then cross the network in clear text, readable and replayable by anyone on
   * the path: only for a provider on the loopback interface in development and tests.
   */
  dangerouslyAllowInsecureHttp?: boolean;
}

/** The resolved transport, shared by a client's calls. */
export interface ProviderHttp {
  readonly provider: string;
  /** oauth4webapi request options: custom fetch, timeout, the insecure-http switch. */
  options<Method, Body = undefined>(): HttpRequestOptions<Method, Body>;
  /** A plain request (e.g. GitHub's token deletion) with the same fetch, timeout and checks. */
  send(url: URL, init: RequestInit): Promise<Response>;
  /**
   * GET a JSON resource with the access token (profile, userinfo, emails). Non-2xx answers and
   * bodies that are not JSON become OAUTH_PROFILE_REQUEST_FAILED.
   */
  getJson(url: string, accessToken: string, headers?: Record<string, string>): Promise<unknown>;
}
