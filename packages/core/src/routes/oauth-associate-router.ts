import { ErrorCode } from '../errors';
import { json } from '../http/response';
import type { ResponseDoc, Route, Router } from '../http/route';
import { lazySchema } from '../internal/lazy-schema';
import { oauthAccountRead, publicOAuthAccounts } from '../oauth/account-view';
import type { OAuthClient } from '../oauth/client';
import {
  AUTHORIZE_OK,
  AUTHORIZE_QUERY,
  CALLBACK_QUERY,
  createOAuthFlow,
  type OAuthFlowOptions,
} from '../oauth/flow';
import type { User } from '../types';
import type { RouteDeps } from './deps';
import { errorResponse, example, UNAUTHORIZED_DOC } from './docs';

/**
 * Options of `portcullis.oauthAssociateRouter(client, options)` (upstream's
 * `get_oauth_associate_router`, see docs/contract/routes.md#router-options).
 *
 * @example
 * ```ts
 * const options: OAuthAssociateRouterOptions = { stateSecret: process.env.SECRET };
 * ```
 */
export interface OAuthAssociateRouterOptions extends OAuthFlowOptions {
  /** Both routes also require a verified user (403 otherwise). */
  requiresVerification?: boolean;
}

const CALLBACK_ERRORS: ResponseDoc = errorResponse(400, 'Bad Request', [
  example(ErrorCode.OAUTH_INVALID_STATE, 'Invalid state token or CSRF cookie.'),
  example(ErrorCode.ACCESS_TOKEN_DECODE_ERROR, 'Access token is error.'),
  example(ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED, 'Access token is already expired.'),
  example(ErrorCode.OAUTH_PROVIDER_ERROR, 'The provider refused the code or the profile call.'),
  example(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL, 'The provider gave no email.'),
  example(ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED, 'The account is linked to another user.'),
]);

/**
 * `GET /authorize` and `GET /callback` linking a provider account to the current user
 * (see docs/contract/routes.md#oauth-associate). The callback answers the user with `oauth_accounts` — never the provider's
 * tokens (see docs/contract/decisions.md#provider-tokens-hidden).
 *
 * @example
 * ```ts
 * const router = createOAuthAssociateRouter(deps, github, { stateSecret });
 * ```
 */
export function createOAuthAssociateRouter<U extends User>(
  deps: RouteDeps<U>,
  client: OAuthClient,
  options: OAuthAssociateRouterOptions,
): Router {
  const flow = createOAuthFlow(client, options);
  const verified = options.requiresVerification === true;
  const guard = { active: true, verified };
  const name = `oauth-associate:${client.name}`;
  const read = lazySchema((z) =>
    deps.schemas.read
      .with(z)
      .extend({ oauth_accounts: z.array(oauthAccountRead.with(z)) })
      .meta({ id: 'UserReadWithOAuthAccounts' }),
  );
  const denied: ResponseDoc[] = verified
    ? [UNAUTHORIZED_DOC, { status: 403, description: 'The user is not verified.' }]
    : [UNAUTHORIZED_DOC];

  const authorize: Route = {
    method: 'GET',
    path: '/authorize',
    name: `${name}.authorize`,
    doc: { secured: true, query: AUTHORIZE_QUERY, responses: [AUTHORIZE_OK, ...denied] },
    async handle({ request }) {
      const { user } = await deps.requireUser(request, guard);
      return flow.authorize(request, String(user.id));
    },
  };

  const callback: Route = {
    method: 'GET',
    path: '/callback',
    name: `${name}.callback`,
    doc: {
      secured: true,
      query: CALLBACK_QUERY,
      responses: [
        { status: 200, description: 'Successful Response', schema: read },
        CALLBACK_ERRORS,
        ...denied,
      ],
    },
    async handle({ request }) {
      // The current user first, then the state (see docs/contract/routes.md#oauth-associate).
      const { user } = await deps.requireUser(request, guard);
      const { tokens, identity } = await flow.callback(request, String(user.id));
      const updated = await deps.manager.oauthAssociateCallback(
        user,
        {
          oauthName: client.name,
          accessToken: tokens.accessToken,
          expiresAt: tokens.expiresAt,
          refreshToken: tokens.refreshToken,
          accountId: identity.id,
          accountEmail: identity.email,
          emailVerified: identity.emailVerified,
        },
        { request },
      );
      return json({ ...deps.serialize(updated), oauth_accounts: publicOAuthAccounts(updated) });
    },
  };

  return { routes: [authorize, callback] };
}
