import {
  allowInsecureRequests,
  checkProtocol,
  customFetch,
  type HttpRequestOptions,
  type ProtectedResourceRequestBody,
  protectedResourceRequest,
} from 'oauth4webapi';
import { OAuthClientError, toClientError } from '../errors';

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

interface FetchOptions {
  body?: unknown;
  headers: Record<string, string>;
  method: unknown;
  redirect: 'manual';
  duplex?: 'half';
  signal?: AbortSignal;
}

/**
 * Resolves transport options once per client.
 *
 * @example
 * ```ts
 * const transport = createProviderHttp('github', { timeoutMs: 5_000 });
 * const profile = await transport.getJson('https://api.github.com/user', accessToken);
 * ```
 */
export function createProviderHttp(
  provider: string,
  settings: ProviderHttpOptions = {},
): ProviderHttp {
  const impl: FetchLike = settings.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const insecure = settings.dangerouslyAllowInsecureHttp === true;
  const custom = (url: string, init: FetchOptions): Promise<Response> =>
    impl(url, init as unknown as RequestInit);

  const transport: ProviderHttp = {
    provider,
    options<Method, Body = undefined>(): HttpRequestOptions<Method, Body> {
      return {
        [customFetch]: custom,
        [allowInsecureRequests]: insecure,
        signal: () => AbortSignal.timeout(timeoutMs),
      };
    },
    async send(url: URL, init: RequestInit): Promise<Response> {
      checkProtocol(url, !insecure);
      return impl(url.href, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    },
    async getJson(url, accessToken, headers = {}) {
      let response: Response;
      try {
        response = await protectedResourceRequest(
          accessToken,
          'GET',
          new URL(url),
          new Headers({ accept: 'application/json', ...headers }),
          null,
          transport.options<string, ProtectedResourceRequestBody>(),
        );
      } catch (error) {
        throw toClientError('OAUTH_PROFILE_REQUEST_FAILED', provider, error);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new OAuthClientError('OAUTH_PROFILE_REQUEST_FAILED', provider, {
          status: response.status,
        });
      }
      try {
        return await response.json();
      } catch (error) {
        throw new OAuthClientError('OAUTH_PROFILE_REQUEST_FAILED', provider, {
          status: response.status,
          cause: error,
        });
      }
    },
  };
  return Object.freeze(transport);
}
