import type { AuthenticationBackend } from '../auth/backend';
import { ErrorCode, PortcullisError } from '../errors';
import { empty, type PortcullisResponse } from '../http/response';
import type { ResponseDoc, Route, Router } from '../http/route';
import type { OAuthClient } from '../oauth/client';
import {
  AUTHORIZE_OK,
  AUTHORIZE_QUERY,
  CALLBACK_QUERY,
  createOAuthFlow,
  type OAuthFlowOptions,
} from '../oauth/flow';
import type { User } from '../types';
import { type RouteDeps, relabel } from './deps';
import { errorResponse, example, MFA_REQUIRED_EXAMPLE } from './docs';
import { completeLogin } from './login';

/**
 * Options of `portcullis.oauthRouter(client, backend, options)` (upstream's `get_oauth_router`, see docs/contract/routes.md#router-options).
 *
 * @example
 * ```ts
 * const options: OAuthRouterOptions = {
 *   stateSecret: process.env.SECRET,
 *   associateByEmail: true,
 *   isVerifiedByDefault: true,
 * };
 * ```
 */
export interface OAuthRouterOptions extends OAuthFlowOptions {
  /**
   * Link to an existing user with the same email instead of 400 `OAUTH_USER_ALREADY_EXISTS`;
   * only when the provider says the email is verified (unlike upstream, which trusts any).
   */
  associateByEmail?: boolean;
  /**
   * Count every email from this provider as verified for `associateByEmail`. Only for a
   * provider that never hands out unverified addresses but does not flag them: with any other,
   * whoever registers a victim's address there takes over the victim's account here.
   */
  dangerouslyTrustProviderEmail?: boolean;
  /** Users created by this router get `is_verified: true`. */
  isVerifiedByDefault?: boolean;
  /**
   * After a successful login, answer 303 See Other to this URL (a frontend page) instead of the
   * backend's own response, carrying its `Set-Cookie` (FastAPI Users issue #434). Cookie
   * backends only: a bearer token would be lost, so a bearer backend is refused.
   */
  loginRedirectUrl?: string;
}

const CALLBACK_ERRORS = (mfa: boolean): ResponseDoc =>
  errorResponse(400, 'Bad Request', [
    example(ErrorCode.OAUTH_INVALID_STATE, 'Invalid state token or CSRF cookie.'),
    example(ErrorCode.ACCESS_TOKEN_DECODE_ERROR, 'Access token is error.'),
    example(ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED, 'Access token is already expired.'),
    example(ErrorCode.OAUTH_PROVIDER_ERROR, 'The provider refused the code or the profile call.'),
    example(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL, 'The provider gave no email.'),
    example(ErrorCode.OAUTH_USER_ALREADY_EXISTS, 'A user with this email already exists.'),
    example(ErrorCode.LOGIN_BAD_CREDENTIALS, 'User is inactive.'),
    ...(mfa ? [MFA_REQUIRED_EXAMPLE] : []),
  ]);

function redirectWithCookies(response: PortcullisResponse, location: string): PortcullisResponse {
  const cookies = response.headers.filter(([name]) => name === 'set-cookie');
  return empty(303, [['location', location], ...cookies]);
}

/**
 * `GET /authorize` and `GET /callback` logging in through one backend (see docs/contract/routes.md#oauth-callback, docs/contract/behaviour.md#oauth-csrf-cookie), with
 * PKCE always and every state check before the code exchange.
 *
 * @example
 * ```ts
 * const router = createOAuthRouter(deps, github, jwtBackend, { stateSecret });
 * ```
 */
export function createOAuthRouter<U extends User>(
  deps: RouteDeps<U>,
  client: OAuthClient,
  backend: AuthenticationBackend<U>,
  options: OAuthRouterOptions,
): Router {
  const redirectTo = options.loginRedirectUrl;
  if (redirectTo !== undefined && backend.transport.kind === 'bearer') {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'loginRedirectUrl needs a cookie backend: a redirect would drop the bearer token',
    );
  }
  const flow = createOAuthFlow(client, options);
  const name = `oauth:${client.name}.${backend.name}`;
  const linking = Object.freeze({
    associateByEmail: options.associateByEmail === true,
    dangerouslyTrustProviderEmail: options.dangerouslyTrustProviderEmail === true,
    isVerifiedByDefault: options.isVerifiedByDefault === true,
  });

  const authorize: Route = {
    method: 'GET',
    path: '/authorize',
    name: `${name}.authorize`,
    doc: { query: AUTHORIZE_QUERY, responses: [AUTHORIZE_OK] },
    handle: ({ request }) => flow.authorize(request),
  };

  const callback: Route = {
    method: 'GET',
    path: '/callback',
    name: `${name}.callback`,
    // A GET reached without credentials that costs a token exchange: it spends the budget.
    perAddressLimit: true,
    doc: {
      description: 'The response varies based on the authentication backend used.',
      query: CALLBACK_QUERY,
      responses: [
        { status: 200, description: 'Successful Response' },
        ...(redirectTo === undefined ? [] : [{ status: 303, description: 'See Other' }]),
        CALLBACK_ERRORS(deps.mfa !== null),
      ],
    },
    async handle({ request }) {
      const { tokens, identity } = await flow.callback(request);
      let user: U;
      try {
        user = await deps.manager.oauthCallback(
          {
            oauthName: client.name,
            accessToken: tokens.accessToken,
            expiresAt: tokens.expiresAt,
            refreshToken: tokens.refreshToken,
            accountId: identity.id,
            accountEmail: identity.email,
            emailVerified: identity.emailVerified,
          },
          { ...linking, request },
        );
      } catch (error) {
        relabel(error, { USER_ALREADY_EXISTS: ErrorCode.OAUTH_USER_ALREADY_EXISTS });
      }
      // The account may already have been created or refreshed: upstream's order (see docs/contract/routes.md#oauth-callback).
      // A user with a second factor gets 400 LOGIN_MFA_REQUIRED from completeLogin, never the
      // redirect: the second step is a JSON call (docs/mfa.md).
      if (!user.is_active) {
        throw new PortcullisError(ErrorCode.LOGIN_BAD_CREDENTIALS, 'User is inactive');
      }
      const login = await completeLogin(deps, backend, user, request);
      return redirectTo === undefined ? login : redirectWithCookies(login, redirectTo);
    },
  };

  return { routes: [authorize, callback] };
}
