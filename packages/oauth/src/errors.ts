import {
  AuthorizationResponseError,
  OperationProcessingError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
} from 'oauth4webapi';

/**
 * What failed, as a literal so `switch (error.code)` narrows.
 *
 * @example
 * ```ts
 * const code: OAuthClientErrorCode = 'OAUTH_TOKEN_REQUEST_FAILED';
 * ```
 */
export type OAuthClientErrorCode =
  /** OpenID discovery: unreachable, not JSON, or an issuer that does not match. */
  | 'OAUTH_DISCOVERY_FAILED'
  /** Code exchange or refresh refused (bad code, PKCE mismatch, bad client credentials…). */
  | 'OAUTH_TOKEN_REQUEST_FAILED'
  /** Profile, userinfo or email lookup refused or malformed. */
  | 'OAUTH_PROFILE_REQUEST_FAILED'
  | 'OAUTH_REVOCATION_FAILED'
  /** The provider has no such endpoint (e.g. Microsoft has no revocation endpoint). */
  | 'OAUTH_NOT_SUPPORTED';

const BRAND = Symbol.for('portcullis.oauth-client-error');

/** An OAuth error code is printable ASCII (RFC 6749 §5.2); anything else is dropped. */
const ERROR_CODE = /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/**
 * A provider call failed. The message names the provider, the step, the HTTP status and the
 * provider's OAuth `error` code; never a token, a secret or an email. The oauth4webapi error is
 * kept as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await github.exchangeCode({ code, redirectUri, codeVerifier });
 * } catch (error) {
 *   if (isOAuthClientError(error) && error.providerError === 'bad_verification_code') { … }
 * }
 * ```
 */
export class OAuthClientError extends Error {
  readonly code: OAuthClientErrorCode;
  /** The client's `name` (`github`, `oidc`…). */
  readonly provider: string;
  /** The provider's HTTP status, when it answered. */
  readonly status: number | null;
  /** The provider's OAuth `error` code (`invalid_grant`…), when it sent one. */
  readonly providerError: string | null;
  readonly [BRAND] = true;

  constructor(
    code: OAuthClientErrorCode,
    provider: string,
    details: { status?: number | null; providerError?: string | null; cause?: unknown } = {},
  ) {
    const status = details.status ?? null;
    const providerError =
      typeof details.providerError === 'string' && ERROR_CODE.test(details.providerError)
        ? details.providerError
        : null;
    const parts = [`${provider}: ${code}`];
    if (status !== null) parts.push(`HTTP ${status}`);
    if (providerError !== null) parts.push(providerError);
    super(parts.join(', '), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'OAuthClientError';
    this.code = code;
    this.provider = provider;
    this.status = status;
    this.providerError = providerError;
  }
}

/**
 * True for an OAuthClientError, including one from another installed copy of this package.
 *
 * @example
 * ```ts
 * if (isOAuthClientError(error) && error.code === 'OAUTH_TOKEN_REQUEST_FAILED') { … }
 * ```
 */
export function isOAuthClientError(value: unknown): value is OAuthClientError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

function bodyError(cause: unknown): unknown {
  if (typeof cause !== 'object' || cause === null) return undefined;
  const body = (cause as { body?: unknown }).body;
  return typeof body === 'object' && body !== null
    ? (body as { error?: unknown }).error
    : undefined;
}

/**
 * Wraps whatever a provider call threw (oauth4webapi errors, network errors, timeouts) as an
 * OAuthClientError with the status and OAuth error code it carried.
 *
 * @example
 * ```ts
 * throw toClientError('OAUTH_TOKEN_REQUEST_FAILED', 'github', error);
 * ```
 */
export function toClientError(
  code: OAuthClientErrorCode,
  provider: string,
  error: unknown,
): OAuthClientError {
  if (isOAuthClientError(error)) return error;
  let status: number | null = null;
  let providerError: unknown;
  if (error instanceof ResponseBodyError) {
    status = error.status;
    providerError = error.error;
  } else if (error instanceof WWWAuthenticateChallengeError) {
    status = error.status;
    providerError = error.cause[0]?.parameters.error;
  } else if (error instanceof AuthorizationResponseError) {
    providerError = error.error;
  } else if (error instanceof OperationProcessingError) {
    // GitHub answers a refused code with 200 and `{"error": …}` (see docs/contract/behaviour.md#oauth-clients); oauth4webapi then
    // reports the missing access_token with the body attached.
    providerError = bodyError(error.cause);
    if (error.cause instanceof Response) status = error.cause.status;
  }
  return new OAuthClientError(code, provider, {
    status,
    providerError: typeof providerError === 'string' ? providerError : null,
    cause: error,
  });
}
