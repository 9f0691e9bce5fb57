import { createHash } from 'node:crypto';
import type { SessionStore, UserStore } from '@portcullis/core';
import { describe, expect, test } from 'vitest';
import {
  SESSION_APP_COOKIE as COOKIE,
  createSessionApp,
  SESSION_APP_PASSWORD as PASSWORD,
  type SessionApp,
  sessionAppEmail,
} from './session-app';

export interface SessionDumpStores {
  users: UserStore;
  sessions: SessionStore;
  /**
   * Everything the store holds, as it would be read from a backup: rows, documents or key
   * names and values. Any shape: every string inside it (keys included) is tried as a token.
   */
  dump(): Promise<unknown>;
}

export interface SessionDumpSuiteOptions {
  /** Shown in the suite's title, e.g. `PostgreSQL`. */
  name: string;
  /** Fresh stores for one case (each case logs in and dumps on its own). */
  create(): Promise<SessionDumpStores>;
}

/** Every string in a dump: values, object keys, and the text of BSON values and buffers. */
function strings(value: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 20 || value === null || value === undefined) return out;
  if (typeof value === 'string') out.add(value);
  else if (value instanceof Uint8Array) out.add(new TextDecoder().decode(value));
  else if (value instanceof Map) for (const [k, v] of value) strings([k, v], out, depth + 1);
  else if (Array.isArray(value)) for (const item of value) strings(item, out, depth + 1);
  else if (typeof value === 'object' && !(value instanceof Date)) {
    const text = String(value);
    if (text !== '[object Object]') out.add(text);
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      strings(v, out, depth + 1);
    }
  }
  return out;
}

/** Logs in twice on each backend; every secret the clients were given. */
async function logins(target: SessionApp, email: string): Promise<string[]> {
  const secrets: string[] = [];
  const form = { username: email, password: PASSWORD };
  for (let i = 0; i < 2; i++) {
    const cookie = await target.request('POST', '/auth/cookie/login', {
      form,
      headers: { 'user-agent': `dump-suite/${i}` },
    });
    expect(cookie.status).toBe(204);
    const value = /^[^=]+=([^;]*)/.exec(cookie.headers.getSetCookie()[0] ?? '')?.[1] ?? '';
    expect(value).not.toBe('');
    secrets.push(value);
    const bearer = await target.request('POST', '/auth/session/login', { form });
    expect(bearer.status).toBe(200);
    const body = (await bearer.json()) as { access_token: string; refresh_token: string };
    secrets.push(body.access_token, body.refresh_token);
  }
  return secrets;
}

async function authenticates(target: SessionApp, value: string): Promise<string[]> {
  const found: string[] = [];
  const asCookie = await target.request('GET', '/users/me', {
    headers: { cookie: `${COOKIE}=${encodeURIComponent(value)}` },
  });
  if (asCookie.status !== 401) found.push(`cookie answered ${asCookie.status}`);
  const asBearer = await target.request('GET', '/users/me', {
    headers: { authorization: `Bearer ${value}` },
  });
  if (asBearer.status !== 401) found.push(`bearer answered ${asBearer.status}`);
  const asRefresh = await target.request('POST', '/auth/session/refresh', {
    json: { refresh_token: value },
  });
  if (asRefresh.status !== 400) found.push(`refresh answered ${asRefresh.status}`);
  return found;
}

/**
 * The dump test: after logins on a cookie backend with the database strategy and a bearer
 * backend with refresh tokens, both keeping sessions in the store under test, nothing the
 * store holds logs anyone in. Every string of the dump (values and key names) is tried as a
 * cookie, a bearer token and a refresh token, and none of the tokens the clients were given
 * appears in the dump. A second case shows the test can fail: with `tokenStorage: 'plain'` the
 * cookie tokens are in the dump.
 *
 * @example
 * ```ts
 * sessionDumpSuite({ name: 'SQLite', create: async () => ({ users, sessions, dump }) });
 * ```
 */
export function sessionDumpSuite(options: SessionDumpSuiteOptions): void {
  describe(`session dump: ${options.name}`, () => {
    test('SESSION-DUMP-001 no stored value authenticates after logins, and no issued token is stored', async () => {
      const stores = await options.create();
      const target = createSessionApp({ ...stores, tokenStorage: 'hashed' });
      const email = sessionAppEmail('dump');
      const user = await target.portcullis.userManager.create({ email, password: PASSWORD });
      const secrets = await logins(target, email);
      expect(await stores.sessions.listForUser(user.id)).toHaveLength(4);
      for (const secret of secrets.slice(0, 2)) {
        // The tokens themselves work: the probes below would see a live one.
        const headers: Record<string, string> = secret.includes('.')
          ? { authorization: `Bearer ${secret}` }
          : { cookie: `${COOKIE}=${secret}` };
        expect((await target.request('GET', '/users/me', { headers })).status).toBe(200);
      }
      const dumped = [...strings(await stores.dump(), new Set())];
      // What is there instead: the SHA-256 hex of each database-strategy token.
      for (const cookieToken of [secrets[0], secrets[3]]) {
        const digest = createHash('sha256')
          .update(cookieToken as string)
          .digest('hex');
        expect(dumped.some((value) => value.includes(digest))).toBe(true);
      }
      for (const secret of secrets) {
        expect(dumped.filter((value) => value.includes(secret))).toEqual([]);
      }
      const live: string[] = [];
      for (const value of dumped.filter((v) => v.length >= 8 && v.length <= 4096)) {
        for (const problem of await authenticates(target, value)) {
          live.push(`${value.slice(0, 24)}…: ${problem}`);
        }
      }
      expect(live).toEqual([]);
    });

    test('SESSION-DUMP-002 with tokenStorage plain the dump holds the cookie tokens (the check above can fail)', async () => {
      const stores = await options.create();
      const target = createSessionApp({ ...stores, tokenStorage: 'plain' });
      const email = sessionAppEmail('plain');
      await target.portcullis.userManager.create({ email, password: PASSWORD });
      const [cookieToken] = await logins(target, email);
      const dumped = [...strings(await stores.dump(), new Set())];
      expect(dumped.some((value) => value.includes(cookieToken as string))).toBe(true);
    });
  });
}
