import { ErrorCode, isPortcullisError } from '../errors';
import { readJsonBody } from '../http/body';
import { json } from '../http/response';
import type { Router } from '../http/route';
import { forgotPasswordBody, verifyBody } from '../schemas';
import type { User } from '../types';
import { parseEmbeddedBody } from '../validation';
import type { RouteDeps } from './deps';
import { errorResponse, example } from './docs';

const SILENT: ReadonlySet<string> = new Set([
  ErrorCode.USER_INACTIVE,
  ErrorCode.VERIFY_USER_ALREADY_VERIFIED,
]);

/**
 * `POST /request-verify-token` (always 202) and `POST /verify` (spec §6.4).
 */
export function createVerifyRouter<U extends User>(deps: RouteDeps<U>): Router {
  return {
    routes: [
      {
        method: 'POST',
        path: '/request-verify-token',
        name: 'verify:request-token',
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
              await deps.manager.requestVerify(user, { request });
            } catch (error) {
              if (!isPortcullisError(error) || !SILENT.has(error.code)) throw error;
            }
          }
          return json(null, 202);
        },
      },
      {
        method: 'POST',
        path: '/verify',
        name: 'verify:verify',
        doc: {
          body: { kind: 'json', schema: verifyBody, embedded: true, required: true },
          responses: [
            { status: 200, description: 'Successful Response', schema: deps.schemas.read },
            errorResponse(400, 'Bad Request', [
              example(
                ErrorCode.VERIFY_USER_BAD_TOKEN,
                'Bad token, not existing user or not the e-mail currently set for the user.',
              ),
              example(ErrorCode.VERIFY_USER_ALREADY_VERIFIED, 'The user is already verified.'),
            ]),
          ],
        },
        async handle({ request }) {
          const body = await readJsonBody(request, deps.bodyLimit);
          const { token } = parseEmbeddedBody(verifyBody, body);
          const user = await deps.manager.verify(token, { request });
          return json(deps.serialize(user), 200);
        },
      },
    ],
  };
}
