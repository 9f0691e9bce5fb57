import { expect } from 'vitest';
import { base32Decode, hotp, totpStep } from '../src/mfa/totp';
import { createTestApp, type TestApp } from './app';

// The TOTP walk of the MFA tests: enrol through the routes, stop at the gate, pass the second step.

export const PASSWORD = 'excalibur-9';

/** The TOTP code of `secret` at the step `offset` away from now. */
export async function codeAt(secret: string, offset = 0): Promise<string> {
  const bytes = base32Decode(secret);
  if (!bytes) throw new Error('bad secret');
  return hotp(bytes, totpStep(Date.now()) + offset);
}

export async function body(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

export interface Enrolled {
  app: TestApp;
  email: string;
  secret: string;
  recoveryCodes: string[];
  bearer: string;
}

/** A user with TOTP enabled through the routes; the enrolment used the current step. */
export async function enrolled(app = createTestApp({ mfa: true })): Promise<Enrolled> {
  const email = `knight.${Math.random().toString(36).slice(2, 8)}@camelot.bt`;
  await app.portcullis.userManager.create({ email, password: PASSWORD });
  const login = await app.request('POST', '/auth/jwt/login', {
    form: { username: email, password: PASSWORD },
  });
  const bearer = `Bearer ${((await body(login)) as { access_token: string }).access_token}`;
  const setup = await app.request('POST', '/auth/mfa/totp/setup', {
    headers: { authorization: bearer },
  });
  expect(setup.status).toBe(200);
  const { secret, otpauth_uri } = (await setup.json()) as { secret: string; otpauth_uri: string };
  expect(otpauth_uri).toContain(`secret=${secret}`);
  const enable = await app.request('POST', '/auth/mfa/totp/enable', {
    headers: { authorization: bearer },
    json: { code: await codeAt(secret) },
  });
  expect(enable.status).toBe(200);
  const { recovery_codes } = (await enable.json()) as { recovery_codes: string[] };
  return { app, email, secret, recoveryCodes: recovery_codes, bearer };
}

export async function passwordLogin(e: Enrolled, backend: 'jwt' | 'cookie'): Promise<Response> {
  return e.app.request('POST', `/auth/${backend}/login`, {
    form: { username: e.email, password: PASSWORD },
  });
}

export async function mfaToken(response: Response): Promise<string> {
  expect(response.status).toBe(400);
  expect(response.headers.get('set-cookie')).toBeNull();
  const { detail } = (await response.json()) as { detail: { code: string; mfa_token: string } };
  expect(detail.code).toBe('LOGIN_MFA_REQUIRED');
  expect(Object.keys(detail).sort()).toEqual(['code', 'mfa_token']);
  return detail.mfa_token;
}

export function second(
  e: Enrolled,
  backend: string,
  token: string,
  code: string,
): Promise<Response> {
  return e.app.request('POST', `/auth/${backend}/login/mfa`, { json: { mfa_token: token, code } });
}
