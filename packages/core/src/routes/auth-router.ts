import type { AuthenticationBackend } from '../auth/backend';
import { ErrorCode, isPortcullisError, PortcullisError } from '../errors';
import { type BodyLimits, readFormBody, readJsonBody } from '../http/body';
import type { PortcullisRequest } from '../http/request';
import { json, type PortcullisResponse } from '../http/response';
import type { ResponseDoc, Route, Router } from '../http/route';
import { lazySchema } from '../internal/lazy-schema';
import type { User } from '../types';
import { missing, parseEmbeddedBody, type ValidationIssue, validationError } from '../validation';
import type { RouteDeps } from './deps';
import { errorResponse, example, MFA_REQUIRED_EXAMPLE, UNAUTHORIZED_DOC } from './docs';
import { completeLogin, refreshAnswer, refreshPathOf } from './login';

export interface AuthRouterOptions {
  /** Unverified users cannot log in (400 LOGIN_USER_NOT_VERIFIED) nor log out (403). */
  requiresVerification?: boolean;
}

/** OAuth2 password form (see docs/contract/routes.md#login); documented in OpenAPI, checked by `readLoginForm`. */
const loginForm = lazySchema((z) =>
  z
    .object({
      grant_type: z
        .string()
        .regex(/^password$/)
        .nullable()
        .optional(),
      username: z.string(),
      password: z.string().meta({ format: 'password' }),
      scope: z.string().default(''),
      client_id: z.string().nullable().optional(),
      client_secret: z.string().nullable().optional().meta({ format: 'password' }),
    })
    .meta({ id: 'LoginForm' }),
);

/** The second login step's body (docs/mfa.md). */
export const mfaLoginBody = lazySchema((z) =>
  z
    .object({
      mfa_token: z.string(),
      code: z.string().meta({ description: 'A TOTP code or a recovery code.' }),
    })
    .meta({ id: 'MfaLoginBody' }),
);

/** `{"refresh_token"}`: the bearer refresh route's body. */
const refreshBody = lazySchema((z) => z.object({ refresh_token: z.string() }));

/** The bearer login and refresh answer of a backend with refresh tokens (docs/sessions.md). */
const refreshedBearerResponse = lazySchema((z) =>
  z
    .object({
      access_token: z.string(),
      token_type: z.string(),
      refresh_token: z.string(),
      expires_in: z.number().int().nullable(),
    })
    .meta({ id: 'BearerRefreshResponse' }),
);

const BAD_REFRESH_DOC: ResponseDoc = errorResponse(400, 'Bad Request', [
  example(
    ErrorCode.REFRESH_TOKEN_BAD_TOKEN,
    'Unknown, malformed, expired or revoked refresh token, or a rotated one reused.',
  ),
]);

/**
 * FastAPI reads each form field on its own, in declaration order, and an empty value of a
 * required field counts as missing (see docs/contract/routes.md#login, docs/contract/routes.md#framework-rules).
 */
async function readLoginForm(
  request: PortcullisRequest,
  limits: BodyLimits,
): Promise<{ username: string; password: string }> {
  const form = await readFormBody(request, limits);
  const issues: ValidationIssue[] = [];
  const grant = form.grant_type;
  if (grant !== undefined && grant !== '' && grant !== 'password') {
    issues.push({
      type: 'string_pattern_mismatch',
      loc: ['body', 'grant_type'],
      msg: "String should match pattern '^password$'",
      input: grant,
      ctx: { pattern: '^password$' },
    });
  }
  const { username, password } = form;
  if (!username) issues.push(missing(['body', 'username']));
  if (!password) issues.push(missing(['body', 'password']));
  if (issues.length > 0 || !username || !password) throw validationError(issues);
  return { username, password };
}

/**
 * `POST /login` and `POST /logout` for one backend (see docs/contract/routes.md#login).
 */
export function createAuthRouter<U extends User>(
  deps: RouteDeps<U>,
  backend: AuthenticationBackend<U>,
  options: AuthRouterOptions = {},
): Router {
  const verified = options.requiresVerification ?? false;
  const bearer = backend.transport.kind === 'bearer';
  const grant = backend.strategy.refresh;
  const bearerOk: ResponseDoc = grant
    ? { status: 200, description: 'Successful Response', schema: refreshedBearerResponse }
    : { status: 200, description: 'Successful Response', schema: 'BearerResponse' };
  const login: Route = {
    method: 'POST',
    path: '/login',
    name: `auth:${backend.name}.login`,
    doc: {
      body: { kind: 'form', schema: loginForm, required: true },
      responses: [
        bearer ? bearerOk : { status: 200, description: 'Successful Response' },
        ...(bearer ? [] : [{ status: 204, description: 'No Content' }]),
        errorResponse(400, 'Bad Request', [
          example(ErrorCode.LOGIN_BAD_CREDENTIALS, 'Bad credentials or the user is inactive.'),
          example(ErrorCode.LOGIN_USER_NOT_VERIFIED, 'The user is not verified.'),
          ...(deps.mfa ? [MFA_REQUIRED_EXAMPLE] : []),
        ]),
      ],
    },
    async handle({ request }) {
      const credentials = await readLoginForm(request, deps);
      // Throttling decides before any hash is computed (docs/abuse-protection.md).
      const attempt = await deps.abuse.login.begin(request, credentials.username);
      if (attempt.refused) return attempt.refused;
      // A login whose client went away while its hash waited is dropped (499, never sent): the
      // attempt stays counted, and nothing says whether the password was right.
      const user = await deps.manager.authenticate(credentials, {
        skipIf: request.clientGone?.bind(request),
      });
      // Inactive users get the same code as bad credentials: no hint either way (see docs/contract/quirks.md#inactive-login).
      if (!user?.is_active) {
        await attempt.failed(user ? 'inactive' : 'bad_credentials', user);
        throw new PortcullisError(ErrorCode.LOGIN_BAD_CREDENTIALS, 'Bad credentials');
      }
      // The password was right: the 400 below tells the client so anyway.
      await attempt.passed();
      if (verified && !user.is_verified) {
        await attempt.failed('unverified', user);
        throw new PortcullisError(ErrorCode.LOGIN_USER_NOT_VERIFIED, 'User not verified');
      }
      return completeLogin(deps, backend, user, request);
    },
  };
  const logout: Route = {
    method: 'POST',
    path: '/logout',
    name: `auth:${backend.name}.logout`,
    doc: {
      secured: true,
      responses: [
        { status: 200, description: 'Successful Response' },
        ...(bearer ? [] : [{ status: 204, description: 'No Content' }]),
        UNAUTHORIZED_DOC,
      ],
    },
    async handle({ request }) {
      // Any backend may authenticate the logout; this backend's strategy destroys (see docs/contract/quirks.md#logout-any-backend).
      const {
        user,
        token,
        backend: via,
      } = await deps.requireUser(request, { active: true, verified });
      // The session a token of this very backend belongs to, for onSessionRevoked.
      const sid = via === backend ? await deps.sessions.currentId({ backend, token }) : null;
      await backend.strategy.destroyToken(token, user);
      if (sid !== null) {
        const event = { userId: String(user.id), sessionIds: [sid], reason: 'logout' as const };
        await deps.manager.onSessionRevoked(event, request);
      }
      return backend.transport.logoutResponse(grant ? refreshPathOf(request) : undefined);
    },
  };
  const routes: Route[] = [login];
  const gate = deps.mfa;
  if (gate) {
    const mfaLogin: Route = {
      method: 'POST',
      path: '/login/mfa',
      name: `auth:${backend.name}.login_mfa`,
      doc: {
        description: 'The second login step: the `mfa_token` of `LOGIN_MFA_REQUIRED` and a code.',
        body: { kind: 'json', schema: mfaLoginBody, embedded: true, required: true },
        responses: [
          bearer ? bearerOk : { status: 200, description: 'Successful Response' },
          ...(bearer ? [] : [{ status: 204, description: 'No Content' }]),
          errorResponse(400, 'Bad Request', [
            example(ErrorCode.MFA_BAD_CODE, 'Wrong, replayed or used code.'),
            example(
              ErrorCode.MFA_BAD_TOKEN,
              'Unknown, expired or used MFA token, or five wrong codes already.',
            ),
          ]),
          errorResponse(429, 'Too Many Requests', [
            example(ErrorCode.TOO_MANY_REQUESTS, 'Ten attempts for this user in five minutes.'),
          ]),
        ],
      },
      async handle({ request }) {
        const body = await readJsonBody(request, deps);
        const { mfa_token, code } = await parseEmbeddedBody(mfaLoginBody, body);
        const user = await gate.redeem(mfa_token, code, backend.name, request);
        if (verified && !user.is_verified) {
          throw new PortcullisError(ErrorCode.LOGIN_USER_NOT_VERIFIED, 'User not verified');
        }
        return completeLogin(deps, backend, user, request, { mfa: true });
      },
    };
    routes.push(mfaLogin);
  }
  if (grant) {
    const readsCookie = backend.transport.readRefreshToken !== undefined;
    const refresh: Route = {
      method: 'POST',
      path: '/refresh',
      name: `auth:${backend.name}.refresh`,
      doc: {
        ...(readsCookie
          ? {}
          : { body: { kind: 'json', schema: refreshBody, embedded: true, required: true } }),
        description:
          'Rotates the refresh token: a new access token and refresh token; the previous refresh ' +
          'token stays usable only during the reuse grace window.',
        responses: [
          readsCookie ? { status: 204, description: 'No Content' } : bearerOk,
          BAD_REFRESH_DOC,
        ],
      },
      async handle({ request }) {
        const path = refreshPathOf(request);
        let presented: string | null;
        if (backend.transport.readRefreshToken) {
          presented = backend.transport.readRefreshToken({ cookie: request.header('cookie') });
        } else {
          const body = await readJsonBody(request, deps);
          presented = (await parseEmbeddedBody(refreshBody, body)).refresh_token;
        }
        const refused = (): PortcullisResponse => {
          // A bad refresh cookie clears both cookies: the client is logged out, not stuck.
          const cleared = readsCookie ? backend.transport.logoutResponse(path).headers : [];
          return json({ detail: ErrorCode.REFRESH_TOKEN_BAD_TOKEN }, 400, cleared);
        };
        if (presented === null) return refused();
        try {
          const { tokens } = await grant.rotate(presented, deps.lookup, async (event) => {
            await deps.manager.onRefreshTokenReuse(event, request);
            await deps.manager.onSessionRevoked(
              {
                userId: event.userId,
                sessionIds: [event.sessionId],
                reason: 'refresh_token_reuse',
              },
              request,
            );
          });
          return backend.transport.loginResponse(tokens.accessToken, refreshAnswer(tokens, path));
        } catch (error) {
          if (isPortcullisError(error) && error.code === ErrorCode.REFRESH_TOKEN_BAD_TOKEN)
            return refused();
          throw error;
        }
      },
    };
    routes.push(refresh);
  }
  routes.push(logout);
  return { routes };
}
