import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import { auth, type CaseContext, defineCase, PASSWORD } from './http-case';
import { AUTH_COOKIE } from './http-cases-login';
import { freshEmail } from './http-client';

// The second factor over real HTTP (docs/mfa.md): enrolment at /auth/mfa, the gate on both
// login backends, the second step at /login/mfa. The suite app mounts `portcullis.mfaRouter()`
// at /auth/mfa and configures `mfa` with core's memory store.

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Bytes(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 255);
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 with SHA-1, 6 digits, 30 s, written apart from core's so the two check each other. */
export function totpCode(secret: string, offset = 0, now = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30_000) + offset));
  const mac = createHmac('sha1', base32Bytes(secret)).update(counter).digest();
  const at = (mac[mac.length - 1] ?? 0) & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

interface Enrolled {
  email: string;
  token: string;
  secret: string;
  recoveryCodes: string[];
}

/** Registers a user and enables TOTP for it; the enrolment spends the current step. */
async function enrol(c: CaseContext): Promise<Enrolled> {
  const email = freshEmail();
  await c.register(email);
  const token = await c.bearer(email);
  const setup = await c.request('POST', '/auth/mfa/totp/setup', { headers: auth(token) });
  expect(setup.status).toBe(200);
  const { secret, otpauth_uri } = (await setup.json()) as { secret: string; otpauth_uri: string };
  expect(otpauth_uri.startsWith('otpauth://totp/')).toBe(true);
  const enable = await c.request('POST', '/auth/mfa/totp/enable', {
    headers: auth(token),
    json: { code: totpCode(secret) },
  });
  expect(enable.status).toBe(200);
  const { recovery_codes } = (await enable.json()) as { recovery_codes: string[] };
  return { email, token, secret, recoveryCodes: recovery_codes };
}

async function challenge(c: CaseContext, e: Enrolled, backend: 'jwt' | 'cookie'): Promise<string> {
  const response = await c.request('POST', `/auth/${backend}/login`, {
    form: { username: e.email, password: PASSWORD },
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('set-cookie')).toBeNull();
  const { detail } = (await response.json()) as { detail: { code: string; mfa_token: string } };
  expect(detail.code).toBe('LOGIN_MFA_REQUIRED');
  expect(typeof detail.mfa_token).toBe('string');
  return detail.mfa_token;
}

const second = (c: CaseContext, backend: string, token: string, code: string) =>
  c.request('POST', `/auth/${backend}/login/mfa`, { json: { mfa_token: token, code } });

export const mfaCases = [
  defineCase(
    'HTTP-MFA-001',
    'setup (empty body or {}) answers a secret and its otpauth URI; enable answers 10 recovery codes',
    async (c) => {
      const email = freshEmail();
      await c.register(email);
      const token = await c.bearer(email);
      const empty = await c.request('POST', '/auth/mfa/totp/setup', { headers: auth(token) });
      expect(empty.status).toBe(200);
      const braces = await c.request('POST', '/auth/mfa/totp/setup', {
        headers: auth(token),
        json: {},
      });
      expect(braces.status).toBe(200);
      const { secret } = (await braces.json()) as { secret: string };
      const wrong = await c.request('POST', '/auth/mfa/totp/enable', {
        headers: auth(token),
        json: { code: totpCode(secret, 5) },
      });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toEqual({ detail: 'MFA_BAD_CODE' });
      const enable = await c.request('POST', '/auth/mfa/totp/enable', {
        headers: auth(token),
        json: { code: totpCode(secret) },
      });
      const { recovery_codes } = (await enable.json()) as { recovery_codes: string[] };
      expect(recovery_codes).toHaveLength(10);
      const again = await c.request('POST', '/auth/mfa/totp/enable', {
        headers: auth(token),
        json: { code: totpCode(secret, 1) },
      });
      expect(await again.json()).toEqual({ detail: 'MFA_ALREADY_ENABLED' });
    },
  ),
  defineCase(
    'HTTP-MFA-002',
    'bearer login of a TOTP user: 400 LOGIN_MFA_REQUIRED, then /login/mfa answers the token',
    async (c) => {
      const e = await enrol(c);
      const token = await challenge(c, e, 'jwt');
      const done = await second(c, 'jwt', token, totpCode(e.secret, 1));
      expect(done.status).toBe(200);
      const { access_token } = (await done.json()) as { access_token: string };
      const me = await c.request('GET', '/users/me', { headers: auth(access_token) });
      expect(me.status).toBe(200);
    },
  ),
  defineCase(
    'HTTP-MFA-003',
    'cookie login of a TOTP user sets no cookie; /login/mfa with a recovery code sets it',
    async (c) => {
      const e = await enrol(c);
      const token = await challenge(c, e, 'cookie');
      const done = await second(c, 'cookie', token, e.recoveryCodes[0] ?? '');
      expect(done.status).toBe(204);
      const cookie = done.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(AUTH_COOKIE);
      const me = await c.request('GET', '/users/me', {
        headers: { cookie: cookie.split(';')[0] ?? '' },
      });
      expect(me.status).toBe(200);
    },
  ),
  defineCase(
    'HTTP-MFA-004',
    'a TOTP code and a recovery code are each accepted once; a used MFA token is refused',
    async (c) => {
      const e = await enrol(c);
      const code = totpCode(e.secret, 1);
      const first = await challenge(c, e, 'jwt');
      expect((await second(c, 'jwt', first, code)).status).toBe(200);
      const reuse = await second(c, 'jwt', first, e.recoveryCodes[1] ?? '');
      expect(await reuse.json()).toEqual({ detail: 'MFA_BAD_TOKEN' });
      const replay = await second(c, 'jwt', await challenge(c, e, 'jwt'), code);
      expect(await replay.json()).toEqual({ detail: 'MFA_BAD_CODE' });
      const recovery = e.recoveryCodes[2] ?? '';
      expect((await second(c, 'jwt', await challenge(c, e, 'jwt'), recovery)).status).toBe(200);
      const again = await second(c, 'jwt', await challenge(c, e, 'jwt'), recovery);
      expect(await again.json()).toEqual({ detail: 'MFA_BAD_CODE' });
    },
  ),
  defineCase(
    'HTTP-MFA-005',
    '20 concurrent wrong codes on one MFA token: exactly 5 counted, then it is dead',
    async (c) => {
      const e = await enrol(c);
      const token = await challenge(c, e, 'jwt');
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await second(c, 'jwt', token, '000000');
          expect(response.status).toBe(400);
          return ((await response.json()) as { detail: string }).detail;
        }),
      );
      expect(answers.filter((d) => d === 'MFA_BAD_CODE')).toHaveLength(5);
      expect(answers.filter((d) => d === 'MFA_BAD_TOKEN')).toHaveLength(15);
      const right = await second(c, 'jwt', token, e.recoveryCodes[0] ?? '');
      expect(await right.json()).toEqual({ detail: 'MFA_BAD_TOKEN' });
    },
  ),
  defineCase(
    'HTTP-MFA-006',
    '/login/mfa: 422 without a field, MFA_BAD_TOKEN for a forged token or another backend',
    async (c) => {
      const e = await enrol(c);
      const missing = await c.request('POST', '/auth/jwt/login/mfa', { json: { code: '123456' } });
      expect(missing.status).toBe(422);
      const forged = await second(c, 'jwt', 'not-a-token', e.recoveryCodes[0] ?? '');
      expect(await forged.json()).toEqual({ detail: 'MFA_BAD_TOKEN' });
      const token = await challenge(c, e, 'jwt');
      const elsewhere = await second(c, 'cookie', token, e.recoveryCodes[0] ?? '');
      expect(elsewhere.headers.get('set-cookie')).toBeNull();
      expect(await elsewhere.json()).toEqual({ detail: 'MFA_BAD_TOKEN' });
    },
  ),
  defineCase(
    'HTTP-MFA-007',
    'disable needs a code; afterwards the password alone logs in',
    async (c) => {
      const e = await enrol(c);
      const wrong = await c.request('POST', '/auth/mfa/totp/disable', {
        headers: auth(e.token),
        json: { code: '999999' },
      });
      expect(await wrong.json()).toEqual({ detail: 'MFA_BAD_CODE' });
      const ok = await c.request('POST', '/auth/mfa/totp/disable', {
        headers: auth(e.token),
        json: { code: e.recoveryCodes[9] },
      });
      expect(ok.status).toBe(204);
      const login = await c.request('POST', '/auth/cookie/login', {
        form: { username: e.email, password: PASSWORD },
      });
      expect(login.status).toBe(204);
      const anonymous = await c.request('POST', '/auth/mfa/totp/disable', {
        json: { code: '123456' },
      });
      expect(anonymous.status).toBe(401);
    },
  ),
];
