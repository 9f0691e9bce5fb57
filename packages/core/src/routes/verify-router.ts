import { ErrorCode } from '../errors';
import { readJsonBody } from '../http/body';
import { json } from '../http/response';
import type { Router } from '../http/route';
import { verifyBody } from '../schemas';
import type { User } from '../types';
import { parseEmbeddedBody } from '../validation';
import { emailRequestRoute, type RouteDeps } from './deps';
import { errorResponse, example } from './docs';

/**
 * `POST /request-verify-token` (always 202) and `POST /verify` (see docs/contract/routes.md#verify-router).
 */
export function createVerifyRouter<U extends User>(deps: RouteDeps<U>): Router {
  return {
    routes: [
      emailRequestRoute(
        deps,
        { path: '/request-verify-token', name: 'verify:request-token' },
        (user, request) => deps.manager.requestVerify(user, { request }),
        [ErrorCode.USER_INACTIVE, ErrorCode.VERIFY_USER_ALREADY_VERIFIED],
      ),
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
          const body = await readJsonBody(request, deps);
          const { token } = await parseEmbeddedBody(verifyBody, body);
          const user = await deps.manager.verify(token, { request });
          return json(deps.serialize(user), 200);
        },
      },
    ],
  };
}
