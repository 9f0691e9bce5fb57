import type { AuthenticationBackend } from '../auth/backend';
import type { LoginContext } from '../auth/strategy';
import type { PortcullisRequest } from '../http/request';
import type { PortcullisResponse } from '../http/response';
import type { User } from '../types';
import type { RouteDeps } from './deps';

/**
 * Where every path that logs a user in ends (password login, the OAuth callback, and any later
 * one): the backend's strategy issues the token, its transport builds the answer, and
 * `onAfterLogin` may add to it. Keeping one door is what lets a rule that must hold for every
 * login (a second factor, a session record, throttling's reset) live in one place.
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
  const context: LoginContext = { request, authTime: Date.now(), mfa: proof.mfa };
  const token = await backend.strategy.writeToken(user, context);
  const response = backend.transport.loginResponse(token);
  await deps.manager.onAfterLogin(user, request, response);
  return response;
}
