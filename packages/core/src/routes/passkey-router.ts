import type { AuthenticationBackend } from '../auth/backend';
import { ErrorCode, isPortcullisError, PortcullisError } from '../errors';
import { readJsonBody } from '../http/body';
import { empty, json } from '../http/response';
import type { ResponseDoc, Route, Router } from '../http/route';
import { type LazyOutput, lazySchema } from '../internal/lazy-schema';
import type { Passkeys } from '../passkeys/ceremonies';
import {
  badResponse,
  clearChallengeCookie,
  issueChallenge,
  takeChallenge,
} from '../passkeys/challenge';
import type { PasskeyCredential } from '../passkeys/store';
import { randomToken } from '../random';
import type { User } from '../types';
import { parseModelBody } from '../validation';
import { notFound, type RouteDeps } from './deps';
import { errorResponse, example, UNAUTHORIZED_DOC } from './docs';
import { completeLogin } from './login';

// Routes of docs/mfa.md#passkeys. Every failed ceremony is one 400 PASSKEY_BAD_RESPONSE: the
// client learns nothing about which check failed (unknown credential, challenge, signature).

const DEFAULT_NAME = 'Passkey';

/** A WebAuthn response as @simplewebauthn/browser returns it; checked by the ceremony. */
const webauthnResponse = lazySchema((z) =>
  z.record(z.string(), z.unknown()).meta({
    description: 'The JSON of `startRegistration()` / `startAuthentication()`.',
  }),
);

const registerBody = lazySchema((z) =>
  z
    .object({
      response: webauthnResponse.with(z),
      name: z.string().min(1).max(100).optional(),
    })
    .meta({ id: 'PasskeyRegister' }),
);

const loginBody = lazySchema((z) =>
  z.object({ response: webauthnResponse.with(z) }).meta({ id: 'PasskeyLogin' }),
);

const passkeyRead = lazySchema((z) =>
  z
    .object({
      id: z.string(),
      name: z.string(),
      created_at: z.string().meta({ format: 'date-time' }),
      last_used_at: z.string().meta({ format: 'date-time' }).nullable(),
    })
    .meta({ id: 'PasskeyRead' }),
);

const passkeyCreated = lazySchema((z) =>
  passkeyRead.with(z).omit({ last_used_at: true }).meta({ id: 'PasskeyCreated' }),
);

const passkeyList = lazySchema((z) => z.array(passkeyRead.with(z)));

const ceremonyOptions = lazySchema((z) => z.record(z.string(), z.unknown()));

const optionsDoc = (description: string): ResponseDoc => ({
  status: 200,
  description,
  schema: ceremonyOptions,
});

const BAD_RESPONSE_DOC: ResponseDoc = errorResponse(400, 'Bad Request', [
  example(ErrorCode.PASSKEY_BAD_RESPONSE, 'The WebAuthn response did not verify.'),
]);

function view(passkey: PasskeyCredential): LazyOutput<typeof passkeyRead> {
  return {
    id: passkey.id,
    name: passkey.name,
    created_at: passkey.created_at.toISOString(),
    last_used_at: passkey.last_used_at?.toISOString() ?? null,
  };
}

/** A ceremony that throws for any reason is a response that did not verify. */
async function verified<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isPortcullisError(error) && error.code === ErrorCode.SERVICE_UNAVAILABLE) throw error;
    throw badResponse(error);
  }
}

/**
 * `POST /register/options` and `POST /register` (mounted at `/auth/passkey`): an
 * authenticated user adds a passkey.
 *
 * @example
 * ```ts
 * const router = createPasskeyRegisterRouter(deps, passkeys);
 * ```
 */
export function createPasskeyRegisterRouter<U extends User>(
  deps: RouteDeps<U>,
  passkeys: Passkeys,
): Router {
  const activeUser = { active: true };
  const options: Route = {
    method: 'POST',
    path: '/register/options',
    name: 'passkey:register_options',
    doc: {
      secured: true,
      responses: [
        optionsDoc('WebAuthn creation options (sets the challenge cookie)'),
        UNAUTHORIZED_DOC,
      ],
    },
    async handle({ request }) {
      const { user } = await deps.requireUser(request, activeUser);
      const existing = await passkeys.store.listForUser(user.id);
      const creation = await passkeys.ceremonies.registrationOptions({
        userHandle: String(user.id),
        userName: user.email,
        exclude: existing,
      });
      const cookie = await issueChallenge(passkeys, creation.challenge, 'register', user.id);
      return json(creation, 200, [
        ['cache-control', 'no-store'],
        ['set-cookie', cookie],
      ]);
    },
  };
  const register: Route = {
    method: 'POST',
    path: '/register',
    name: 'passkey:register',
    doc: {
      secured: true,
      body: { kind: 'json', schema: registerBody, required: true },
      responses: [
        { status: 201, description: 'Successful Response', schema: passkeyCreated },
        BAD_RESPONSE_DOC,
        UNAUTHORIZED_DOC,
      ],
    },
    async handle({ request }) {
      const body = await readJsonBody(request, deps);
      const { user } = await deps.requireUser(request, activeUser);
      const input = await parseModelBody(registerBody, body);
      const challenge = await takeChallenge(passkeys, request, 'register', user.id);
      const credential = await verified(() =>
        passkeys.ceremonies.verifyRegistration({ response: input.response, challenge }),
      );
      let passkey: PasskeyCredential;
      try {
        passkey = await passkeys.store.create({
          id: randomToken(16),
          user_id: user.id,
          credential_id: credential.credentialId,
          public_key: credential.publicKey,
          counter: credential.counter,
          transports: credential.transports,
          name: input.name ?? DEFAULT_NAME,
        });
      } catch (error) {
        // The same authenticator credential registered twice.
        if (isPortcullisError(error) && error.code === ErrorCode.USER_ALREADY_EXISTS) {
          throw badResponse(error);
        }
        throw error;
      }
      await deps.manager.onPasskeyAdded(
        { user, passkey: { id: passkey.id, name: passkey.name } },
        request,
      );
      const { last_used_at: _unused, ...created } = view(passkey);
      return json(created, 201, [['set-cookie', clearChallengeCookie(passkeys)]]);
    },
  };
  return { routes: [options, register] };
}

/**
 * `GET /me/passkeys` and `DELETE /me/passkeys/{id}` (mounted at `/users`): the current user's
 * passkeys. Another user's id answers 404 like an unknown one.
 *
 * @example
 * ```ts
 * const router = createUserPasskeysRouter(deps, passkeys);
 * ```
 */
export function createUserPasskeysRouter<U extends User>(
  deps: RouteDeps<U>,
  passkeys: Passkeys,
): Router {
  const activeUser = { active: true };
  const list: Route = {
    method: 'GET',
    path: '/me/passkeys',
    name: 'users:passkeys',
    doc: {
      secured: true,
      responses: [
        { status: 200, description: 'Successful Response', schema: passkeyList },
        UNAUTHORIZED_DOC,
      ],
    },
    async handle({ request }) {
      const { user } = await deps.requireUser(request, activeUser);
      return json((await passkeys.store.listForUser(user.id)).map(view));
    },
  };
  const remove: Route = {
    method: 'DELETE',
    path: '/me/passkeys/{id}',
    name: 'users:delete_passkey',
    doc: {
      secured: true,
      responses: [
        { status: 204, description: 'Successful Response' },
        UNAUTHORIZED_DOC,
        { status: 404, description: 'No such passkey for this user.' },
      ],
    },
    async handle({ request, params }) {
      const { user } = await deps.requireUser(request, activeUser);
      const id = params.id ?? '';
      const passkey = (await passkeys.store.listForUser(user.id)).find((p) => p.id === id);
      if (!passkey || !(await passkeys.store.delete(id, user.id))) throw notFound();
      await deps.manager.onPasskeyRemoved(
        { user, passkey: { id: passkey.id, name: passkey.name } },
        request,
      );
      return empty(204);
    },
  };
  return { routes: [list, remove] };
}

/**
 * `POST /passkey/options` and `POST /passkey/login` for one backend (mounted at the backend's
 * prefix, e.g. `/auth/jwt`). A passkey login proves possession and user verification at once,
 * so it satisfies the second-factor gate (docs/mfa.md#passkeys).
 *
 * @example
 * ```ts
 * const router = createPasskeyLoginRouter(deps, passkeys, jwtBackend);
 * ```
 */
export function createPasskeyLoginRouter<U extends User>(
  deps: RouteDeps<U>,
  passkeys: Passkeys,
  backend: AuthenticationBackend<U>,
): Router {
  const bearer = backend.transport.kind === 'bearer';
  const options: Route = {
    method: 'POST',
    path: '/passkey/options',
    name: `auth:${backend.name}.passkey_options`,
    doc: { responses: [optionsDoc('WebAuthn request options (sets the challenge cookie)')] },
    async handle() {
      const request = await passkeys.ceremonies.authenticationOptions();
      const cookie = await issueChallenge(passkeys, request.challenge, 'login', null);
      return json(request, 200, [
        ['cache-control', 'no-store'],
        ['set-cookie', cookie],
      ]);
    },
  };
  const login: Route = {
    method: 'POST',
    path: '/passkey/login',
    name: `auth:${backend.name}.passkey_login`,
    doc: {
      body: { kind: 'json', schema: loginBody, required: true },
      responses: [
        bearer
          ? { status: 200, description: 'Successful Response', schema: 'BearerResponse' }
          : { status: 200, description: 'Successful Response' },
        ...(bearer ? [] : [{ status: 204, description: 'No Content' }]),
        errorResponse(400, 'Bad Request', [
          example(ErrorCode.PASSKEY_BAD_RESPONSE, 'The WebAuthn response did not verify.'),
          example(ErrorCode.LOGIN_BAD_CREDENTIALS, 'User is inactive.'),
        ]),
      ],
    },
    async handle({ request }) {
      const { response } = await parseModelBody(loginBody, await readJsonBody(request, deps));
      const challenge = await takeChallenge(passkeys, request, 'login', null);
      const credentialId = typeof response.id === 'string' ? response.id : null;
      const credential =
        credentialId === null ? null : await passkeys.store.getByCredentialId(credentialId);
      if (credential === null) throw badResponse();
      const { counter } = await verified(() =>
        passkeys.ceremonies.verifyAuthentication({ response, challenge, credential }),
      );
      const user = await deps.manager.findById(String(credential.user_id));
      if (!user?.is_active) {
        throw new PortcullisError(ErrorCode.LOGIN_BAD_CREDENTIALS, 'User is inactive');
      }
      await passkeys.store.recordUse(credential.id, counter, new Date());
      const answer = await completeLogin(deps, backend, user, request, { mfa: true });
      answer.headers.push(['set-cookie', clearChallengeCookie(passkeys)]);
      return answer;
    },
  };
  return { routes: [options, login] };
}
