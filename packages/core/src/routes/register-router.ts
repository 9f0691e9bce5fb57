import { ErrorCode } from '../errors';
import { readJsonBody } from '../http/body';
import { json } from '../http/response';
import type { Router } from '../http/route';
import type { User } from '../types';
import { parseModelBody } from '../validation';
import type { RouteDeps } from './deps';
import { relabel } from './deps';
import { errorResponse, example } from './docs';

/** `POST /register` (see docs/contract/routes.md#register): 201 with the new user; privilege fields are ignored. */
export function createRegisterRouter<U extends User>(deps: RouteDeps<U>): Router {
  return {
    routes: [
      {
        method: 'POST',
        path: '/register',
        name: 'register:register',
        doc: {
          body: { kind: 'json', schema: deps.schemas.create, required: true },
          responses: [
            { status: 201, description: 'Successful Response', schema: deps.schemas.read },
            errorResponse(400, 'Bad Request', [
              example(
                ErrorCode.REGISTER_USER_ALREADY_EXISTS,
                'A user with this email already exists.',
              ),
              example(
                ErrorCode.REGISTER_INVALID_PASSWORD,
                'Password validation failed.',
                'Password should be at least 3 characters',
              ),
            ]),
          ],
        },
        async handle({ request }) {
          const body = await readJsonBody(request, deps);
          const input = (await parseModelBody(deps.schemas.create, body)) as Record<
            string,
            unknown
          >;
          try {
            const user = await deps.manager.create(input, { safe: true, request });
            return json(deps.serialize(user), 201);
          } catch (error) {
            relabel(error, {
              USER_ALREADY_EXISTS: ErrorCode.REGISTER_USER_ALREADY_EXISTS,
              INVALID_PASSWORD: ErrorCode.REGISTER_INVALID_PASSWORD,
            });
          }
        },
      },
    ],
  };
}
