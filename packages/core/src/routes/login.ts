import type { AuthenticationBackend } from '../auth/backend';
import type { IssuedTokens, LoginContext } from '../auth/strategy';
import type { RefreshAnswer } from '../auth/transport';
import type { PortcullisRequest } from '../http/request';
import type { PortcullisResponse } from '../http/response';
import type { User } from '../types';
import type { RouteDeps } from './deps';

/**
 * Where every path that logs a user in ends (password login, the OAuth callback, and any later
 * one): the backend's strategy issues the token (and a refresh token when the backend has
 * them), its transport builds the answer, and `onAfterLogin` may add to it. Keeping one door is
 * what lets a rule that must hold for every login (a second factor, a session record,
 * throttling's reset) live in one place.
 *
 * `proof.mfa` says the caller has already satisfied a second factor (the `/login/mfa` step, a
 * passkey login); without it, a user with a second factor gets 400 `LOGIN_MFA_REQUIRED`.
 */
export async function completeLogin<U extends User>(
  deps: RouteDeps<U>,
  backend: AuthenticationBackend<U>,
  user: U,
  request: PortcullisRequest,
  proof: { mfa: boolean } = { mfa: false },
): Promise<PortcullisResponse> {
  // The gate (docs/mfa.md): a user with a second factor gets an MFA token instead of a
  // session, and nothing is written before the second step passes.
  if (!proof.mfa && deps.mfa && (await deps.mfa.required(user))) {
    throw await deps.mfa.challenge(user, backend.name);
  }
  const context: LoginContext = {
    request,
    authTime: Date.now(),
    mfa: proof.mfa,
    clientAddress: deps.abuse.clientAddress(request),
  };
  const grant = backend.strategy.refresh;
  let response: PortcullisResponse;
  if (grant) {
    const tokens = await grant.login(user, context);
    response = backend.transport.loginResponse(
      tokens.accessToken,
      refreshAnswer(tokens, refreshPathOf(request)),
    );
  } else {
    response = backend.transport.loginResponse(await backend.strategy.writeToken(user, context));
  }
  await deps.manager.onAfterLogin(user, request, response);
  return response;
}

export function refreshAnswer(tokens: IssuedTokens, refreshPath: string): RefreshAnswer {
  return {
    refreshToken: tokens.refreshToken,
    expiresIn: tokens.expiresIn,
    refreshMaxAge: tokens.refreshMaxAge,
    refreshPath,
  };
}

const LOGIN_ROUTE = /\/(login|login\/mfa|passkey\/login|refresh|logout)\/?$/;

/**
 * The backend's `{prefix}/refresh` path, from the path of one of its own routes (login, its
 * second steps, refresh, logout): where the refresh cookie is sent. Any other route (an OAuth
 * callback) gets `/` (docs/sessions.md).
 */
export function refreshPathOf(request: PortcullisRequest): string {
  const path = new URL(request.url).pathname;
  return LOGIN_ROUTE.test(path) ? path.replace(LOGIN_ROUTE, '/refresh') : '/';
}
