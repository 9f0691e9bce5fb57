import { ErrorCode, PortcullisError } from '../errors';
import type { PortcullisRequest } from '../http/request';
import { json, type PortcullisResponse } from '../http/response';
import type { ResponseDoc, RouteDoc } from '../http/route';
import { lazySchema } from '../internal/lazy-schema';
import { randomToken } from '../random';
import type { OAuthClient, OAuthIdentity, OAuthTokens } from './client';
import { type CsrfCookieOptions, createCsrfCookie } from './csrf-cookie';
import { createPkceDeriver, pkceChallenge } from './pkce';
import { createOAuthStateCodec } from './state';

/**
 * Options both OAuth routers share (docs/contract/routes.md#router-options, `get_oauth_router` / `get_oauth_associate_router`).
 *
 * @example
 * ```ts
 * const options: OAuthFlowOptions = {
 *   stateSecret: process.env.SECRET,
 *   redirectUrl: 'https://app.example.com/auth/google/callback',
 * };
 * ```
 */
export interface OAuthFlowOptions extends CsrfCookieOptions {
  /** HS256 secret of the state token (upstream `state_secret`); also keys the PKCE verifier. */
  stateSecret: string | Uint8Array;
  /** Default `portcullis:oauth-state` (FastAPI Users: `fastapi-users:oauth-state`). */
  stateAudience?: string;
  /** State and CSRF cookie lifetime; default 3600 (upstream's fixed value). */
  stateLifetimeSeconds?: number;
  /**
   * The redirect URI sent to the provider and used in the code exchange. Default: this router's
   * `/callback` on the incoming request's origin (upstream's `url_for`); set it behind a proxy
   * or to send the browser to a frontend page that forwards `code` and `state`.
   */
  redirectUrl?: string;
}

/** What a callback learned once every check passed. */
export interface OAuthCallbackResult {
  tokens: OAuthTokens;
  identity: OAuthIdentity & { email: string };
}

/** The authorize and callback steps, shared by the login and associate routers. */
export interface OAuthFlow {
  /** 200 `{"authorization_url"}` plus the CSRF cookie (see docs/contract/routes.md#oauth-callback). */
  authorize(request: PortcullisRequest, sub?: string): Promise<PortcullisResponse>;
  /**
   * Every state check runs before the code exchange (see docs/contract/quirks.md#oauth-state-order): `error` → 400 with that
   * detail, no `code` → 400, bad or expired state → ACCESS_TOKEN_*, CSRF cookie missing or
   * different → OAUTH_INVALID_STATE, `sub` ≠ `expectSub` → 400; then the provider calls, whose
   * failures are OAUTH_PROVIDER_ERROR, and a missing email is OAUTH_NOT_AVAILABLE_EMAIL.
   */
  callback(request: PortcullisRequest, expectSub?: string): Promise<OAuthCallbackResult>;
}

const NUL = '\u0000';

function badRequest(detail: string): PortcullisError {
  return new PortcullisError(ErrorCode.BAD_REQUEST, 'The OAuth callback was refused', { detail });
}

function providerError(cause: unknown): PortcullisError {
  return new PortcullisError(ErrorCode.OAUTH_PROVIDER_ERROR, 'The OAuth provider call failed', {
    cause,
  });
}

async function fromProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw providerError(error);
  }
}

/** What a provider hands back reaches a store: check it (see docs/contract/decisions.md#provider-input). */
function checkedIdentity(identity: OAuthIdentity): OAuthCallbackResult['identity'] {
  const { id, email } = identity ?? {};
  if (typeof id !== 'string' || id === '' || id.includes(NUL)) {
    throw providerError(new TypeError('The provider returned no usable account id'));
  }
  if (typeof email !== 'string' || email.trim() === '' || email.includes(NUL)) {
    throw new PortcullisError(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL, 'No email from the provider');
  }
  return { id, email, emailVerified: identity.emailVerified === true };
}

function checkedTokens(tokens: OAuthTokens): OAuthTokens {
  if (typeof tokens?.accessToken !== 'string' || tokens.accessToken === '') {
    throw providerError(new TypeError('The provider returned no access token'));
  }
  return tokens;
}

/**
 * Builds the shared flow for one client.
 *
 * @example
 * ```ts
 * const flow = createOAuthFlow(client, { stateSecret });
 * const response = await flow.authorize(request);
 * ```
 */
export function createOAuthFlow(client: OAuthClient, options: OAuthFlowOptions): OAuthFlow {
  const state = createOAuthStateCodec({
    secret: options.stateSecret,
    audience: options.stateAudience,
    lifetimeSeconds: options.stateLifetimeSeconds,
  });
  const cookie = createCsrfCookie(options, state.lifetimeSeconds);
  const deriveVerifier = createPkceDeriver(options.stateSecret);

  const callbackUri = (request: PortcullisRequest, fromAuthorize: boolean): string => {
    if (options.redirectUrl) return options.redirectUrl;
    const url = new URL(request.url);
    const path = fromAuthorize ? url.pathname.replace(/\/authorize$/, '/callback') : url.pathname;
    return `${url.origin}${path}`;
  };

  return Object.freeze({
    async authorize(request: PortcullisRequest, sub?: string): Promise<PortcullisResponse> {
      const requested = new URL(request.url).searchParams.getAll('scopes');
      const csrftoken = randomToken(32);
      const stateToken = await state.issue(sub === undefined ? { csrftoken } : { csrftoken, sub });
      const codeChallenge = await pkceChallenge(await deriveVerifier(csrftoken));
      const authorizationUrl = await fromProvider(() =>
        client.authorizationUrl({
          redirectUri: callbackUri(request, true),
          state: stateToken,
          ...(requested.length > 0 ? { scopes: requested } : {}),
          codeChallenge,
        }),
      );
      return json({ authorization_url: authorizationUrl }, 200, [
        ['set-cookie', cookie.serialize(csrftoken)],
      ]);
    },

    async callback(request: PortcullisRequest, expectSub?: string): Promise<OAuthCallbackResult> {
      const params = new URL(request.url).searchParams;
      // The provider's own refusal comes first and verbatim, as upstream (see docs/contract/behaviour.md#errors).
      const error = params.get('error');
      if (error !== null) throw badRequest(error);
      const code = params.get('code');
      if (!code) throw badRequest('Bad Request');
      const { csrftoken, sub } = await state.read(params.get('state'));
      if (csrftoken === null || !cookie.matches(request.header('cookie'), csrftoken)) {
        throw new PortcullisError(ErrorCode.OAUTH_INVALID_STATE, 'CSRF token mismatch');
      }
      if (expectSub !== undefined && sub !== expectSub) throw badRequest('Bad Request');
      const codeVerifier = await deriveVerifier(csrftoken);
      const tokens = checkedTokens(
        await fromProvider(() =>
          client.exchangeCode({
            code,
            redirectUri: callbackUri(request, false),
            codeVerifier,
            iss: params.get('iss'),
          }),
        ),
      );
      const identity = await fromProvider(() => client.getIdEmail(tokens.accessToken));
      return { tokens, identity: checkedIdentity(identity) };
    },
  });
}

/** Upstream's `OAuth2AuthorizeResponse` model (see docs/contract/routes.md#openapi). */
export const authorizeResponse = lazySchema((z) =>
  z.object({ authorization_url: z.string() }).meta({ id: 'OAuth2AuthorizeResponse' }),
);

/** The `scopes` query parameter (repeatable) of both authorize routes. */
export const AUTHORIZE_QUERY: RouteDoc['query'] = [
  { name: 'scopes', schema: lazySchema((z) => z.array(z.string()).default([])) },
];

const optionalString = lazySchema((z) => z.string().nullable().optional());

/** The callback's query parameters (upstream's, minus `code_verifier`: PKCE is server-side). */
export const CALLBACK_QUERY: RouteDoc['query'] = ['code', 'state', 'error'].map((name) => ({
  name,
  schema: optionalString,
}));

export const AUTHORIZE_OK: ResponseDoc = {
  status: 200,
  description: 'Successful Response',
  schema: authorizeResponse,
};
