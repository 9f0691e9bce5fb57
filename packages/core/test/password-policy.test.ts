import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The generator the committed data file comes from, run again here on the installed package.
import { renderCommonPasswords } from '../scripts/common-passwords.mjs';
import { isPortcullisError } from '../src/errors';
import { createBreachedPasswordCheck } from '../src/password-policy/breached-password';
import { commonPasswords, commonPasswordsSource } from '../src/password-policy/common-passwords';
import {
  COMMON_PASSWORDS_TEXT,
  COMMON_PASSWORDS_VERSION,
} from '../src/password-policy/common-passwords-data';
import { createPasswordPolicy } from '../src/password-policy/password-policy';

async function reasonOf(promise: unknown): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (!isPortcullisError(error)) throw error;
    expect(error.code).toBe('INVALID_PASSWORD');
    return error.reason;
  }
}

const user = { email: 'kay@camelot.bt' };

describe('the password policy', () => {
  it('accepts every length from the minimum to 64 characters, counted in code points', async () => {
    const policy = createPasswordPolicy();
    for (const length of [8, 15, 64, 128]) {
      expect(await reasonOf(policy(`${'x'.repeat(length - 1)}y`, user))).toBeUndefined();
    }
    // Eight emoji are eight characters (and 32 bytes); seven are too few.
    expect(await reasonOf(policy('🏰'.repeat(8), user))).toBeUndefined();
    expect(await reasonOf(policy('🏰'.repeat(7), user))).toBe(
      'Password should be at least 8 characters',
    );
    expect(await reasonOf(policy('short', user))).toBe('Password should be at least 8 characters');
    expect(await reasonOf(policy('z'.repeat(129), user))).toBe(
      'Password should be at most 128 characters',
    );
  });

  it('refuses a blocklisted password whatever its case, and never echoes the password', async () => {
    const policy = createPasswordPolicy({ blocklist: commonPasswords });
    for (const password of ['trustno1', 'TrustNo1', 'baseball', 'iloveyou']) {
      expect(await reasonOf(policy(password, user))).toBe('Password is too common');
    }
    expect(await reasonOf(policy('portcullis-raised-at-dawn', user))).toBeUndefined();
    const custom = createPasswordPolicy({ blocklist: ['Camelot2024'] });
    expect(await reasonOf(custom('camelot2024', user))).toBe('Password is too common');
  });

  it('runs the app’s own rule last', async () => {
    const policy = createPasswordPolicy({
      also: (password, target) => {
        if (typeof target.email === 'string' && password.includes(target.email)) {
          throw new (class extends Error {})('unreachable');
        }
      },
    });
    await expect(policy(`${user.email}!`, user)).rejects.toThrow('unreachable');
  });

  it('refuses bounds NIST does not allow', () => {
    expect(() => createPasswordPolicy({ minLength: 6 })).toThrow('minLength');
    expect(() => createPasswordPolicy({ maxLength: 32 })).toThrow('maxLength');
  });
});

describe('the shipped common-password list', () => {
  it('is exactly what the generator makes from the pinned package (never edited by hand)', async () => {
    const fresh = renderCommonPasswords() as string;
    const text = /COMMON_PASSWORDS_TEXT = ("[^\n]*");/.exec(fresh)?.[1] as string;
    expect(JSON.parse(text)).toBe(COMMON_PASSWORDS_TEXT);
    expect(fresh).toContain(`COMMON_PASSWORDS_VERSION = "${COMMON_PASSWORDS_VERSION}"`);
    expect(commonPasswordsSource).toEqual({
      package: '@zxcvbn-ts/language-common',
      version: '4.1.3',
      license: 'MIT',
    });
    expect(commonPasswords.size).toBe(17_950);
    for (const password of commonPasswords) expect([...password].length).toBeGreaterThanOrEqual(8);
  });
});

describe('the breached-password check, against a local fake of the range API', () => {
  const breachedPassword = 'P@ssw0rd-breached';
  const sha1 = createHash('sha1').update(breachedPassword).digest('hex').toUpperCase();
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  let mode: 'ok' | 'down' | 'slow' = 'ok';
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (mode === 'down') return res.writeHead(503).end();
    if (mode === 'slow') return;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(
      [
        `${sha1.slice(5)}:42`,
        '0018A45C4D1DEF81644B54AB7F969B88D65:1',
        // A padding entry: count 0.
        `${'F'.repeat(35)}:0`,
      ].join('\r\n'),
    );
  });
  let endpoint = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/range/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends only the first five hex digits of the SHA-1, with padding asked for', async () => {
    const check = createBreachedPasswordCheck({ endpoint });
    expect(await check(breachedPassword)).toBe(true);
    expect(await check('a password nobody has used before 9f2c')).toBe(false);
    expect(seen[0]?.url).toBe(`/range/${sha1.slice(0, 5)}`);
    expect(seen[0]?.headers['add-padding']).toBe('true');
    expect(JSON.stringify(seen)).not.toContain(sha1.slice(5));
  });

  it('refuses a breached password through the policy', async () => {
    const policy = createPasswordPolicy({ breached: createBreachedPasswordCheck({ endpoint }) });
    expect(await reasonOf(policy(breachedPassword, user))).toBe(
      'Password has appeared in a data breach',
    );
  });

  it('fails open, with an event, when the API is down or too slow', async () => {
    const errors: unknown[] = [];
    const check = createBreachedPasswordCheck({
      endpoint,
      timeoutMs: 50,
      onError: (error) => errors.push(error),
    });
    mode = 'down';
    expect(await check(breachedPassword)).toBe(false);
    mode = 'slow';
    expect(await check(breachedPassword)).toBe(false);
    mode = 'ok';
    expect(errors).toHaveLength(2);
  });
});
