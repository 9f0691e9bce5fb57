import { describe, expect, test } from 'vitest';
import { createMemoryMfaStore } from '../src/mfa/memory-mfa-store';
import { base32Decode, hotp, totpStep } from '../src/mfa/totp';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import type { SessionStore, User } from '../src/types';
import { bearerLogin, createSessionsApp, PASSWORD, type SessionsApp } from './sessions-app';

/**
 * The gate on every path that creates a session (docs/mfa.md): password login on the stateless
 * `jwt` backend, on the `session` backend (JWT with sid and refresh tokens) and on the `cookie`
 * backend (database strategy, or session JWTs with a refresh cookie), and a login after a
 * password reset. A refresh only ever continues a session that passed the gate, and keeps its
 * `mfa` flag and `auth_time`. Passkey logins are gated in the passkeys package's tests.
 */

interface Enrolled {
  app: SessionsApp;
  sessions: SessionStore;
  user: User;
  recoveryCodes: string[];
}

async function enrolled(cookieRefresh = false): Promise<Enrolled> {
  const sessions = createMemorySessionStore();
  const app = createSessionsApp({ sessions, mfa: createMemoryMfaStore(), cookieRefresh });
  const email = `percival.${Math.random().toString(36).slice(2, 8)}@camelot.bt`;
  const user = await app.user(email);
  const { access_token } = await bearerLogin(app, 'jwt', email);
  const headers = { authorization: `Bearer ${access_token}` };
  const setup = await app.request('POST', '/auth/mfa/totp/setup', { headers });
  const { secret } = (await setup.json()) as { secret: string };
  const key = base32Decode(secret);
  if (!key) throw new Error('the setup answered no base32 secret');
  const enable = await app.request('POST', '/auth/mfa/totp/enable', {
    headers,
    json: { code: await hotp(key, totpStep(Date.now())) },
  });
  expect(enable.status).toBe(200);
  const { recovery_codes } = (await enable.json()) as { recovery_codes: string[] };
  return { app, sessions, user, recoveryCodes: recovery_codes };
}

/** A password login that must stop at the gate: no cookie, no token, no session written. */
async function stopsAtGate(e: Enrolled, backend: string, password = PASSWORD): Promise<string> {
  const before = (await e.sessions.listForUser(e.user.id)).length;
  const response = await e.app.request('POST', `/auth/${backend}/login`, {
    form: { username: e.user.email, password },
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('set-cookie')).toBeNull();
  const body = (await response.json()) as { detail: { code: string; mfa_token: string } };
  expect(Object.keys(body)).toEqual(['detail']);
  expect(body.detail.code).toBe('LOGIN_MFA_REQUIRED');
  expect((await e.sessions.listForUser(e.user.id)).length).toBe(before);
  return body.detail.mfa_token;
}

describe('the MFA gate on session-creating paths', () => {
  test.each(['jwt', 'session', 'cookie'])(
    'password login on %s: nothing issued before the second step',
    async (backend) => {
      const e = await enrolled();
      await stopsAtGate(e, backend);
    },
  );

  test('the cookie backend with refresh cookies: no auth or refresh cookie before the second step', async () => {
    const e = await enrolled(true);
    const token = await stopsAtGate(e, 'cookie');
    const done = await e.app.request('POST', '/auth/cookie/login/mfa', {
      json: { mfa_token: token, code: e.recoveryCodes[0] },
    });
    expect(done.status).toBe(204);
    const cookies = done.headers.getSetCookie().map((c) => c.split('=')[0]);
    expect(cookies).toHaveLength(2);
    const [session] = await e.sessions.listForUser(e.user.id);
    expect(session?.mfa).toBe(true);
  });

  test('the session backend: the second step creates one session marked mfa; refreshes keep the flag and auth_time', async () => {
    const e = await enrolled();
    const token = await stopsAtGate(e, 'session');
    const done = await e.app.request('POST', '/auth/session/login/mfa', {
      json: { mfa_token: token, code: e.recoveryCodes[0] },
    });
    expect(done.status).toBe(200);
    const first = (await done.json()) as { refresh_token: string };
    const [session] = await e.sessions.listForUser(e.user.id);
    expect(session?.mfa).toBe(true);
    let refreshToken = first.refresh_token;
    for (let round = 0; round < 2; round++) {
      const refreshed = await e.app.request('POST', '/auth/session/refresh', {
        json: { refresh_token: refreshToken },
      });
      expect(refreshed.status).toBe(200);
      refreshToken = ((await refreshed.json()) as { refresh_token: string }).refresh_token;
    }
    const after = await e.sessions.listForUser(e.user.id);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(session?.id);
    expect(after[0]?.mfa).toBe(true);
    expect(after[0]?.auth_time.getTime()).toBe(session?.auth_time.getTime());
  });

  test('a password reset keeps the factor: the next login on every backend still stops at the gate', async () => {
    const e = await enrolled();
    await e.app.portcullis.userManager.forgotPassword(e.user);
    const resetToken = e.app.mail.at(-1)?.token ?? '';
    const reset = await e.app.request('POST', '/auth/reset-password', {
      json: { token: resetToken, password: 'a-new-password-42' },
    });
    expect(reset.status).toBe(200);
    for (const backend of ['jwt', 'session', 'cookie']) {
      await stopsAtGate(e, backend, 'a-new-password-42');
    }
  });
});
