import type { ErrorExample, ResponseDoc } from '../http/route';

/** A named error example as FastAPI Users documents them (see docs/contract/routes.md#openapi). */
export function example(code: string, summary: string, reason?: string): [string, ErrorExample] {
  const detail = reason === undefined ? code : { code, reason };
  return [code, { summary, value: { detail } }];
}

/** A login's answer for a user with a second factor (docs/mfa.md). */
export const MFA_REQUIRED_EXAMPLE: [string, ErrorExample] = [
  'LOGIN_MFA_REQUIRED',
  {
    summary: 'The user has a second factor: send the mfa_token and a code to /login/mfa.',
    value: { detail: { code: 'LOGIN_MFA_REQUIRED', mfa_token: 'eyJhbGciOiJIUzI1NiJ9…' } },
  },
];

export function errorResponse(
  status: number,
  description: string,
  examples: [string, ErrorExample][] = [],
): ResponseDoc {
  return {
    status,
    description,
    schema: 'ErrorModel',
    ...(examples.length ? { examples: Object.fromEntries(examples) } : {}),
  };
}

export const UNAUTHORIZED_DOC: ResponseDoc = {
  status: 401,
  description: 'Missing token or inactive user.',
};
export const FORBIDDEN_DOC: ResponseDoc = { status: 403, description: 'Not a superuser.' };
export const NOT_FOUND_DOC: ResponseDoc = { status: 404, description: 'The user does not exist.' };
