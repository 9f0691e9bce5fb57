import { ErrorCode } from '../errors';
import { readJsonBody } from '../http/body';
import { json } from '../http/response';
import type { Router } from '../http/route';
import { resetPasswordBody } from '../schemas';
import type { User } from '../types';
import { parseEmbeddedBody } from '../validation';
import { emailRequestRoute, type RouteDeps, relabel } from './deps';
import { errorResponse, example } from './docs';

/**
 * `POST /forgot-password` (always 202, so emails cannot be probed) and `POST /reset-password`
 * (see docs/contract/routes.md#reset-password-router).
 */
export function createResetPasswordRouter<U extends User>(deps: RouteDeps<U>): Router {
  return {
    routes: [
      emailRequestRoute(
        deps,
        { path: '/forgot-password', name: 'reset:forgot_password' },
        (user, request) => deps.manager.forgotPassword(user, { request }),
        [ErrorCode.USER_INACTIVE],
      ),
      {
        method: 'POST',
        path: '/reset-password',
        name: 'reset:reset_password',
        doc: {
          body: { kind: 'json', schema: resetPasswordBody, embedded: true, required: true },
          responses: [
            { status: 200, description: 'Successful Response' },
            errorResponse(400, 'Bad Request', [
              example(ErrorCode.RESET_PASSWORD_BAD_TOKEN, 'Bad or expired token.'),
              example(
                ErrorCode.RESET_PASSWORD_INVALID_PASSWORD,
                'Password validation failed.',
                'Password should be at least 3 characters',
              ),
            ]),
          ],
        },
        async handle({ request }) {
          const body = await readJsonBody(request, deps);
          const { token, password } = await parseEmbeddedBody(resetPasswordBody, body);
          let user: U;
          try {
            user = await deps.manager.resetPassword(token, password, { request });
          } catch (error) {
            relabel(error, { INVALID_PASSWORD: ErrorCode.RESET_PASSWORD_INVALID_PASSWORD });
          }
          // Whoever knew the old password is logged out everywhere (docs/sessions.md).
          if (deps.revocation.onPasswordReset) {
            await deps.sessions.endAll(user, 'password_reset', request);
          }
          return json(null, 200);
        },
      },
    ],
  };
}
