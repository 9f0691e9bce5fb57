import { ErrorCode } from '../errors';
import { readJsonBody } from '../http/body';
import type { PortcullisRequest } from '../http/request';
import { empty, json } from '../http/response';
import type { ResponseDoc, Route, Router } from '../http/route';
import type { User } from '../types';
import { parseModelBody } from '../validation';
import type { RouteDeps } from './deps';
import { notFound, relabel } from './deps';
import { errorResponse, example, FORBIDDEN_DOC, NOT_FOUND_DOC, UNAUTHORIZED_DOC } from './docs';

export interface UsersRouterOptions {
  /** Every route also requires a verified user (403 otherwise). */
  requiresVerification?: boolean;
}

const UPDATE_ERRORS = {
  USER_ALREADY_EXISTS: ErrorCode.UPDATE_USER_EMAIL_ALREADY_EXISTS,
  INVALID_PASSWORD: ErrorCode.UPDATE_USER_INVALID_PASSWORD,
} as const;

const UPDATE_400: ResponseDoc = errorResponse(400, 'Bad Request', [
  example(ErrorCode.UPDATE_USER_EMAIL_ALREADY_EXISTS, 'A user with this email already exists.'),
  example(
    ErrorCode.UPDATE_USER_INVALID_PASSWORD,
    'Password validation failed.',
    'Password should be at least 3 characters',
  ),
]);

/**
 * `/me` and `/{id}` routes (see docs/contract/routes.md#users-router). Order of checks, as FastAPI resolves them (see docs/contract/routes.md#framework-rules):
 * malformed JSON, then authentication, then the id lookup, then the body schema.
 */
export function createUsersRouter<U extends User>(
  deps: RouteDeps<U>,
  options: UsersRouterOptions = {},
): Router {
  const verified = options.requiresVerification ?? false;
  const activeUser = { active: true, verified };
  const superuser = { active: true, verified, superuser: true };
  const read = deps.schemas.read;
  const ok: ResponseDoc = { status: 200, description: 'Successful Response', schema: read };

  const lookup = async (id: string | undefined): Promise<U> => {
    const user = id === undefined ? null : await deps.manager.findById(id);
    if (!user) throw notFound();
    return user;
  };

  const update = async (
    request: PortcullisRequest,
    body: unknown,
    user: U,
    safe: boolean,
  ): Promise<{ updated: U; input: Record<string, unknown> }> => {
    const input = (await parseModelBody(deps.schemas.update, body)) as Record<string, unknown>;
    try {
      return { updated: await deps.manager.update(input, user, { safe, request }), input };
    } catch (error) {
      relabel(error, UPDATE_ERRORS);
    }
  };
  const { revocation, sessions } = deps;
  // GET /me, the route most apps call most: answered inside the authentication itself.
  const currentUser = deps.answerUser(activeUser, ({ user }) => json(deps.serialize(user)));

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/me',
      name: 'users:current_user',
      doc: { secured: true, responses: [ok, UNAUTHORIZED_DOC] },
      handle: ({ request }) => currentUser(request),
    },
    {
      method: 'PATCH',
      path: '/me',
      name: 'users:patch_current_user',
      doc: {
        secured: true,
        body: { kind: 'json', schema: deps.schemas.update, required: true },
        responses: [ok, UNAUTHORIZED_DOC, UPDATE_400],
      },
      async handle({ request }) {
        const body = await readJsonBody(request, deps);
        const { user, token, backend } = await deps.requireUser(request, activeUser);
        const { updated, input } = await update(request, body, user, true);
        // A new password ends the user's other sessions; this one stays (docs/sessions.md).
        if (revocation.onPasswordChange && typeof input.password === 'string') {
          await sessions.endOthers(updated, { backend, token }, 'password_change', request);
        }
        return json(deps.serialize(updated));
      },
    },
    {
      method: 'GET',
      path: '/{id}',
      name: 'users:user',
      doc: { secured: true, responses: [ok, UNAUTHORIZED_DOC, FORBIDDEN_DOC, NOT_FOUND_DOC] },
      async handle({ request, params }) {
        await deps.requireUser(request, superuser);
        return json(deps.serialize(await lookup(params.id)));
      },
    },
    {
      method: 'PATCH',
      path: '/{id}',
      name: 'users:patch_user',
      doc: {
        secured: true,
        body: { kind: 'json', schema: deps.schemas.update, required: true },
        responses: [ok, UNAUTHORIZED_DOC, FORBIDDEN_DOC, NOT_FOUND_DOC, UPDATE_400],
      },
      async handle({ request, params }) {
        const body = await readJsonBody(request, deps);
        await deps.requireUser(request, superuser);
        const user = await lookup(params.id);
        const { updated, input } = await update(request, body, user, false);
        if (revocation.onSuperuserUpdate) {
          if (typeof input.password === 'string') {
            await sessions.endAll(updated, 'password_change', request);
          } else if (input.is_active === false) {
            await sessions.endAll(updated, 'user_deactivated', request);
          }
        }
        return json(deps.serialize(updated));
      },
    },
    {
      method: 'DELETE',
      path: '/{id}',
      name: 'users:delete_user',
      doc: {
        secured: true,
        responses: [
          { status: 204, description: 'Successful Response' },
          UNAUTHORIZED_DOC,
          FORBIDDEN_DOC,
          NOT_FOUND_DOC,
        ],
      },
      async handle({ request, params }) {
        await deps.requireUser(request, superuser);
        const user = await lookup(params.id);
        await deps.manager.delete(user, { request });
        if (revocation.onDelete) await sessions.endAll(user, 'user_deleted', request);
        return empty(204);
      },
    },
  ];
  return { routes };
}
