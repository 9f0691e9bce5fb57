import { ErrorCode } from '../errors';
import { readJsonBody } from '../http/body';
import { empty, json } from '../http/response';
import type { Route, Router } from '../http/route';
import { lazySchema } from '../internal/lazy-schema';
import type { MfaGate } from '../mfa/gate';
import type { User } from '../types';
import { parseEmbeddedBody } from '../validation';
import type { RouteDeps } from './deps';
import { errorResponse, example, UNAUTHORIZED_DOC } from './docs';

export interface MfaRouterOptions {
  /** Every route also requires a verified user (403 otherwise). */
  requiresVerification?: boolean;
}

const codeBody = lazySchema((z) =>
  z
    .object({
      code: z.string().meta({ description: 'A TOTP code (disable: or a recovery code).' }),
    })
    .meta({ id: 'MfaCodeBody' }),
);

const setupResponse = lazySchema((z) =>
  z.object({ secret: z.string(), otpauth_uri: z.string() }).meta({ id: 'TotpSetupResponse' }),
);

const enableResponse = lazySchema((z) =>
  z.object({ recovery_codes: z.array(z.string()) }).meta({ id: 'TotpEnableResponse' }),
);

const ALREADY_ENABLED = example(ErrorCode.MFA_ALREADY_ENABLED, 'TOTP is already enabled.');
const BAD_CODE = example(ErrorCode.MFA_BAD_CODE, 'Wrong or replayed code.');

/**
 * `POST /totp/setup`, `/totp/enable` and `/totp/disable` for the current user (docs/mfa.md).
 * Needs `createPortcullis({ mfa })`.
 */
export function createMfaRouter<U extends User>(
  deps: RouteDeps<U>,
  gate: MfaGate<U>,
  options: MfaRouterOptions = {},
): Router {
  const guard = { active: true, verified: options.requiresVerification ?? false };

  const setup: Route = {
    method: 'POST',
    path: '/totp/setup',
    name: 'mfa:totp_setup',
    doc: {
      secured: true,
      description:
        'Starts TOTP enrolment: a new secret, pending until `/totp/enable` confirms a code of ' +
        'it. A new setup replaces a pending secret. Takes no body (an empty one or `{}`).',
      responses: [
        { status: 200, description: 'Successful Response', schema: setupResponse },
        errorResponse(400, 'Bad Request', [ALREADY_ENABLED]),
        UNAUTHORIZED_DOC,
      ],
    },
    async handle({ request }) {
      // Read (and drain) whatever came: the route takes no input, `{}` included.
      await readJsonBody(request, deps);
      const { user } = await deps.requireUser(request, guard);
      return json(await gate.setup(user));
    },
  };

  const enable: Route = {
    method: 'POST',
    path: '/totp/enable',
    name: 'mfa:totp_enable',
    doc: {
      secured: true,
      description:
        'Confirms enrolment with a code of the pending secret; answers the ten recovery codes, ' +
        'shown this once.',
      body: { kind: 'json', schema: codeBody, embedded: true, required: true },
      responses: [
        { status: 200, description: 'Successful Response', schema: enableResponse },
        errorResponse(400, 'Bad Request', [BAD_CODE, ALREADY_ENABLED]),
        UNAUTHORIZED_DOC,
      ],
    },
    async handle({ request }) {
      const body = await readJsonBody(request, deps);
      const { user } = await deps.requireUser(request, guard);
      const { code } = await parseEmbeddedBody(codeBody, body);
      return json({ recovery_codes: await gate.enable(user, code, request) });
    },
  };

  const disable: Route = {
    method: 'POST',
    path: '/totp/disable',
    name: 'mfa:totp_disable',
    doc: {
      secured: true,
      description:
        'Turns TOTP off with a TOTP code or a recovery code; five attempts per user per five ' +
        'minutes.',
      body: { kind: 'json', schema: codeBody, embedded: true, required: true },
      responses: [
        { status: 204, description: 'No Content' },
        errorResponse(400, 'Bad Request', [BAD_CODE]),
        UNAUTHORIZED_DOC,
        errorResponse(429, 'Too Many Requests', [
          example(ErrorCode.TOO_MANY_REQUESTS, 'Five attempts in five minutes already.'),
        ]),
      ],
    },
    async handle({ request }) {
      const body = await readJsonBody(request, deps);
      const { user } = await deps.requireUser(request, guard);
      const { code } = await parseEmbeddedBody(codeBody, body);
      await gate.disable(user, code, request);
      return empty(204);
    },
  };

  return { routes: [setup, enable, disable] };
}
