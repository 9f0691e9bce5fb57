import { ErrorCode, isPortcullisError } from '../errors';
import { readJsonBody } from '../http/body';
import { json } from '../http/response';
import type { Router } from '../http/route';
import { forgotPasswordBody, resetPasswordBody } from '../schemas';
import type { User } from '../types';
import { parseEmbeddedBody } from '../validation';
import type { RouteDeps } from './deps';
import { relabel } from './deps';
import { errorResponse, example } from './docs';

/**
 * `POST /forgot-password` (always 202, so emails cannot be probed) and `POST /reset-password`
 * (spec §6.3).
 */
export function createResetPasswordRouter<U extends User>(deps: RouteDeps<U>): Router {
  return {
    routes: [
      {
        method: 'POST',
        path: '/forgot-password',
        name: 'reset:forgot_password',
        doc: {
          body: { kind: 'json', schema: forgotPasswordBody, embedded: true, required: true },
          responses: [{ status: 202, description: 'Successful Response' }],
        },
        async handle({ request }) {
          const body = await readJsonBody(request, deps.bodyLimit);
          const { email } = parseEmbeddedBody(forgotPasswordBody, body);
          const user = await deps.manager.users.getByEmail(email);
          if (user) {
            try {
              await deps.manager.forgotPassword(user, { request });
            } catch (error) {
              if (!isPortcullisError(error) || error.code !== ErrorCode.USER_INACTIVE) throw error;
            }
          }
          return json(null, 202);
        },
      },
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
          const body = await readJsonBody(request, deps.bodyLimit);
          const { token, password } = parseEmbeddedBody(resetPasswordBody, body);
          try {
            await deps.manager.resetPassword(token, password, { request });
          } catch (error) {
            relabel(error, { INVALID_PASSWORD: ErrorCode.RESET_PASSWORD_INVALID_PASSWORD });
          }
          return json(null, 200);
        },
      },
    ],
  };
}
