import {
  allowInsecureRequests,
  checkProtocol,
  customFetch,
  type HttpRequestOptions,
  type ProtectedResourceRequestBody,
  protectedResourceRequest,
} from 'oauth4webapi';
import { OAuthClientError, toClientError } from '../errors';
import type { FetchLike, ProviderHttp, ProviderHttpOptions } from '../provider-http';

export type { ProviderHttp, ProviderHttpOptions };

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
