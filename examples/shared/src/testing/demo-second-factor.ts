import { createHmac } from 'node:crypto';
import { createSoftwareAuthenticator } from '@portcullis/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunningDemo } from './demo-process';

const SPAWN_TIMEOUT = 120_000;

const json = (body: unknown, cookie?: string, token?: string): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(cookie ? { cookie } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify(body),
});

const firstCookie = (response: Response, name: string): string => {
  const found = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? '';
  return found.split(';')[0] ?? '';
};

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret, now. */
function totp(secret: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = (mac[mac.length - 1] ?? 0) & 0x0f;
  return ((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/**
 * The demos' second factor over HTTP, the same on every framework: the account page and its
 * local assets, passkeys registered and used on both backends (a software authenticator with
 * real signatures), and TOTP enrolment with the second step (docs/demo.md, docs/mfa.md).
 */
export function secondFactorCases(framework: string, demo: () => Promise<RunningDemo>): void {
  describe(`the ${framework} demo's second factor`, () => {
    let d: RunningDemo;
    let origin: string;
    let n = 0;
    const signUp = async (): Promise<{ email: string; password: string; token: string }> => {
      const email = `tristan.${++n}.${Date.now().toString(36)}@camelot.bt`;
      const password = 'love-potion-9';
      await fetch(`${d.base}/auth/register`, json({ email, password }));
      const login = await fetch(`${d.base}/auth/jwt/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: email, password }),
      });
      const { access_token } = (await login.json()) as { access_token: string };
      return { email, password, token: access_token };
    };
    beforeAll(async () => {
      d = await demo();
      // Passkeys are bound to the origin the demo printed (localhost, never an IP address).
      const printed = /Account page: (\S+)\/account\n/.exec(d.stdout());
      origin = printed?.[1] ?? '';
    }, SPAWN_TIMEOUT);

    test('prints the account page on localhost and serves it with every asset locally', async () => {
      expect(origin).toMatch(/^http:\/\/localhost:\d+$/);
      const page = await fetch(`${d.base}/account`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).not.toMatch(/(src|href)="https?:/);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
      expect(assets).toEqual(
        expect.arrayContaining(['/account/assets/webauthn.js', '/account/assets/qrcode.js']),
      );
      for (const asset of assets) {
        const response = await fetch(new URL(asset, d.base));
        expect(response.status, asset).toBe(200);
        expect((await response.text()).length, asset).toBeGreaterThan(100);
      }
    });

    test('registers a passkey and logs in with it on the jwt and cookie backends', async () => {
      const { token } = await signUp();
      const authenticator = createSoftwareAuthenticator({ origin });
      const options = await fetch(`${d.base}/auth/passkey/register/options`, json({}, '', token));
      expect(options.status).toBe(200);
      const created = await fetch(
        `${d.base}/auth/passkey/register`,
        json(
          { response: authenticator.register((await options.json()) as { challenge: string }) },
          firstCookie(options, 'portcullis_passkey'),
          token,
        ),
      );
      expect(created.status).toBe(201);

      for (const backend of ['jwt', 'cookie']) {
        const request = await fetch(`${d.base}/auth/${backend}/passkey/options`, json({}));
        const login = await fetch(
          `${d.base}/auth/${backend}/passkey/login`,
          json(
            {
              response: authenticator.authenticate((await request.json()) as { challenge: string }),
            },
            firstCookie(request, 'portcullis_passkey'),
          ),
        );
        expect(login.status, backend).toBe(backend === 'jwt' ? 200 : 204);
      }
      const list = await fetch(`${d.base}/users/me/passkeys`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await list.json()) as unknown[]).length).toBe(1);
    });

    test('enrols TOTP; a password login then stops at LOGIN_MFA_REQUIRED until the code', async () => {
      const { email, password, token } = await signUp();
      const setup = await fetch(`${d.base}/auth/mfa/totp/setup`, json({}, '', token));
      const { secret } = (await setup.json()) as { secret: string };
      const enable = await fetch(
        `${d.base}/auth/mfa/totp/enable`,
        json({ code: totp(secret) }, '', token),
      );
      expect(enable.status).toBe(200);
      const { recovery_codes } = (await enable.json()) as { recovery_codes: string[] };
      expect(recovery_codes).toHaveLength(10);

      const login = await fetch(`${d.base}/auth/cookie/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: email, password }),
      });
      expect(login.status).toBe(400);
      expect(login.headers.getSetCookie()).toEqual([]);
      const { detail } = (await login.json()) as { detail: { code: string; mfa_token: string } };
      expect(detail.code).toBe('LOGIN_MFA_REQUIRED');
      const second = await fetch(
        `${d.base}/auth/cookie/login/mfa`,
        json({ mfa_token: detail.mfa_token, code: recovery_codes[0] }),
      );
      expect(second.status).toBe(204);
      expect(firstCookie(second, 'fastapiusersauth')).not.toBe('');
    });
  });
}
