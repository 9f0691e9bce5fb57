import { z } from 'zod';
import type { AuthenticationBackend } from '../auth/backend';
import { ErrorCode, PortcullisError } from '../errors';
import { type BodyLimits, readFormBody, readJsonBody } from '../http/body';
import type { PortcullisRequest } from '../http/request';
import type { Route, Router } from '../http/route';
import type { User } from '../types';
import { missing, parseEmbeddedBody, type ValidationIssue, validationError } from '../validation';
import type { RouteDeps } from './deps';
import { errorResponse, example, MFA_REQUIRED_EXAMPLE, UNAUTHORIZED_DOC } from './docs';
import { completeLogin } from './login';

export interface AuthRouterOptions {
  /** Unverified users cannot log in (400 LOGIN_USER_NOT_VERIFIED) nor log out (403). */
  requiresVerification?: boolean;
}

/** OAuth2 password form (see docs/contract/routes.md#login); documented in OpenAPI, checked by `readLoginForm`. */
const loginForm = z
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
  .meta({ id: 'LoginForm' });

/** The second login step's body (docs/mfa.md). */
export const mfaLoginBody = z
  .object({
    mfa_token: z.string(),
    code: z.string().meta({ description: 'A TOTP code or a recovery code.' }),
  })
  .meta({ id: 'MfaLoginBody' });

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
  const login: Route = {
    method: 'POST',
    path: '/login',
    name: `auth:${backend.name}.login`,
    doc: {
      body: { kind: 'form', schema: loginForm, required: true },
      responses: [
        bearer
          ? { status: 200, description: 'Successful Response', schema: 'BearerResponse' }
          : { status: 200, description: 'Successful Response' },
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
      const user = await deps.manager.authenticate(credentials);
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
      const { user, token } = await deps.requireUser(request, { active: true, verified });
      await backend.strategy.destroyToken(token, user);
      return backend.transport.logoutResponse();
    },
  };
  if (!deps.mfa) return { routes: [login, logout] };
  const gate = deps.mfa;
  const mfaLogin: Route = {
    method: 'POST',
    path: '/login/mfa',
    name: `auth:${backend.name}.login_mfa`,
    doc: {
      description: 'The second login step: the `mfa_token` of `LOGIN_MFA_REQUIRED` and a code.',
      body: { kind: 'json', schema: mfaLoginBody, embedded: true, required: true },
      responses: [
        bearer
          ? { status: 200, description: 'Successful Response', schema: 'BearerResponse' }
          : { status: 200, description: 'Successful Response' },
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
      const { mfa_token, code } = parseEmbeddedBody(mfaLoginBody, body);
      const user = await gate.redeem(mfa_token, code, backend.name, request);
      if (verified && !user.is_verified) {
        throw new PortcullisError(ErrorCode.LOGIN_USER_NOT_VERIFIED, 'User not verified');
      }
      return completeLogin(deps, backend, user, request, { mfa: true });
    },
  };
  return { routes: [login, mfaLogin, logout] };
}
