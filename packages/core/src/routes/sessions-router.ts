import { empty, json } from '../http/response';
import type { ResponseDoc, Route, Router } from '../http/route';
import { type LazyOutput, lazySchema } from '../internal/lazy-schema';
import type { StoredSession } from '../sessions/session-registry';
import type { User } from '../types';
import type { RouteDeps } from './deps';
import { notFound } from './deps';
import { FORBIDDEN_DOC, UNAUTHORIZED_DOC } from './docs';

export interface SessionsRouterOptions {
  /** Every route also requires a verified user (403 otherwise). */
  requiresVerification?: boolean;
}

/** A session as listings show it: never a token, never a token key. */
const sessionView = lazySchema((z) =>
  z
    .object({
      id: z.string(),
      backend: z.string(),
      created_at: z.string().meta({ format: 'date-time' }),
      last_used_at: z.string().meta({ format: 'date-time' }),
      expires_at: z.string().meta({ format: 'date-time' }).nullable(),
      user_agent: z.string().nullable(),
      ip: z.string().nullable(),
      current: z.boolean(),
    })
    .meta({ id: 'Session' }),
);

const LIST_DOC: ResponseDoc = {
  status: 200,
  description: 'Successful Response',
  schema: lazySchema((z) => z.array(sessionView.with(z))),
};
const ENDED_DOC: ResponseDoc = { status: 204, description: 'Successful Response' };
const SESSION_NOT_FOUND_DOC: ResponseDoc = {
  status: 404,
  description: 'No live session of the user has this id.',
};
const USER_NOT_FOUND_DOC: ResponseDoc = { status: 404, description: 'The user does not exist.' };

function view({ session }: StoredSession, current: string | null): LazyOutput<typeof sessionView> {
  return {
    id: session.id,
    backend: session.backend,
    created_at: session.created_at.toISOString(),
    last_used_at: session.last_used_at.toISOString(),
    expires_at: session.expires_at?.toISOString() ?? null,
    user_agent: session.user_agent,
    ip: session.ip,
    current: session.id === current,
  };
}

/**
 * The sessions routes, mounted beside the users router (docs/sessions.md): a user lists and
 * ends their own sessions; a superuser lists and ends anyone's.
 */
export function createSessionsRouter<U extends User>(
  deps: RouteDeps<U>,
  options: SessionsRouterOptions = {},
): Router {
  const verified = options.requiresVerification ?? false;
  const activeUser = { active: true, verified };
  const superuser = { active: true, verified, superuser: true };
  const { sessions } = deps;

  const lookup = async (id: string | undefined): Promise<U> => {
    const user = id === undefined ? null : await deps.manager.findById(id);
    if (!user) throw notFound();
    return user;
  };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/me/sessions',
      name: 'sessions:current_user_sessions',
      doc: { secured: true, responses: [LIST_DOC, UNAUTHORIZED_DOC] },
      async handle({ request }) {
        const { user, token, backend } = await deps.requireUser(request, activeUser);
        const [current, found] = await Promise.all([
          sessions.currentId({ backend, token }),
          sessions.list(user),
        ]);
        return json(found.map((s) => view(s, current)));
      },
    },
    {
      method: 'DELETE',
      path: '/me/sessions',
      name: 'sessions:end_other_sessions',
      doc: {
        secured: true,
        description: 'Ends every session of the current user except the one making the request.',
        responses: [ENDED_DOC, UNAUTHORIZED_DOC],
      },
      async handle({ request }) {
        const { user, token, backend } = await deps.requireUser(request, activeUser);
        await sessions.endOthers(user, { backend, token }, 'ended_by_user', request);
        return empty(204);
      },
    },
    {
      method: 'DELETE',
      path: '/me/sessions/{session_id}',
      name: 'sessions:end_session',
      doc: { secured: true, responses: [ENDED_DOC, UNAUTHORIZED_DOC, SESSION_NOT_FOUND_DOC] },
      async handle({ request, params }) {
        const { user } = await deps.requireUser(request, activeUser);
        const found = params.session_id ? await sessions.find(user, params.session_id) : null;
        if (!found || !(await sessions.end(user, found, 'ended_by_user', request))) {
          throw notFound();
        }
        return empty(204);
      },
    },
    {
      method: 'GET',
      path: '/{id}/sessions',
      name: 'sessions:user_sessions',
      doc: {
        secured: true,
        responses: [LIST_DOC, UNAUTHORIZED_DOC, FORBIDDEN_DOC, USER_NOT_FOUND_DOC],
      },
      async handle({ request, params }) {
        const { token, backend } = await deps.requireUser(request, superuser);
        const user = await lookup(params.id);
        const [current, found] = await Promise.all([
          sessions.currentId({ backend, token }),
          sessions.list(user),
        ]);
        return json(found.map((s) => view(s, current)));
      },
    },
    {
      method: 'DELETE',
      path: '/{id}/sessions',
      name: 'sessions:end_user_sessions',
      doc: {
        secured: true,
        description: 'Ends every session of the user (and their revocable JWTs).',
        responses: [ENDED_DOC, UNAUTHORIZED_DOC, FORBIDDEN_DOC, USER_NOT_FOUND_DOC],
      },
      async handle({ request, params }) {
        await deps.requireUser(request, superuser);
        const user = await lookup(params.id);
        await sessions.endAll(user, 'ended_by_superuser', request);
        return empty(204);
      },
    },
  ];
  return { routes };
}
