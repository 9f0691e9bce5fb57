import type { SessionStore, UserStore } from '@portcullis/core';
import { describe, expect, test } from 'vitest';
import {
  createSessionApp,
  SESSION_APP_COOKIE,
  SESSION_APP_PASSWORD,
  type SessionApp,
  sessionAppEmail,
} from './session-app';

export interface SessionLifecycleSuiteOptions {
  /** Shown in the suite's title, e.g. `PostgreSQL`. */
  name: string;
  /**
   * The stores the app instances share, built once before the first case. Every instance the
   * suite starts is handed these same stores, as two servers on one database would be.
   */
  create(): Promise<{ users: UserStore; sessions: SessionStore }>;
}

type Tokens = { access_token: string; refresh_token: string };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function login(app: SessionApp, email: string): Promise<Tokens> {
  const response = await app.request('POST', '/auth/session/login', {
    form: { username: email, password: SESSION_APP_PASSWORD },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

const refresh = (app: SessionApp, token: string) =>
  app.request('POST', '/auth/session/refresh', { json: { refresh_token: token } });

/**
 * Sessions end to end over the store under test, through real requests to in-process apps
 * sharing it: 20 concurrent refreshes of one refresh token give every caller the same single
 * successor; a rotated token presented after the grace window ends the whole session; a session
 * ended on one instance is refused at once on another (its access JWT and its database-strategy
 * cookie alike). Call it at the top level of a vitest test file.
 *
 * @example
 * ```ts
 * sessionLifecycleSuite({ name: 'PostgreSQL', create: async () => ({ users, sessions }) });
 * ```
 */
export function sessionLifecycleSuite(options: SessionLifecycleSuiteOptions): void {
  describe(`session lifecycle: ${options.name}`, () => {
    let stores: { users: UserStore; sessions: SessionStore } | undefined;
    const shared = async () => {
      stores ??= await options.create();
      return stores;
    };
    const newUser = async (app: SessionApp, tag: string) => {
      const email = sessionAppEmail(tag);
      const user = await app.portcullis.userManager.create({
        email,
        password: SESSION_APP_PASSWORD,
      });
      return { email, user };
    };

    test('SESSION-LIFE-001 20 concurrent refreshes of one token give every caller the same single successor', async () => {
      const s = await shared();
      const app = createSessionApp(s);
      const { email, user } = await newUser(app, 'race');
      const { refresh_token } = await login(app, email);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => refresh(app, refresh_token)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      const successors = new Set(
        await Promise.all(answers.map(async (a) => ((await a.json()) as Tokens).refresh_token)),
      );
      expect(successors.size).toBe(1);
      const [session, ...others] = await s.sessions.listForUser(user.id);
      expect(others).toEqual([]);
      expect(session?.refresh_generation).toBe(1);
      const [successor] = [...successors];
      expect((await refresh(app, successor as string)).status).toBe(200);
    });

    test('SESSION-LIFE-002 a rotated refresh token presented after the grace window ends the session', async () => {
      const s = await shared();
      const app = createSessionApp({ ...s, reuseGraceSeconds: 0 });
      const { email, user } = await newUser(app, 'reuse');
      const first = await login(app, email);
      const next = (await (await refresh(app, first.refresh_token)).json()) as Tokens;
      // Core counts a reuse in the very millisecond of the rotation as inside a 0 s window.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const reuse = await refresh(app, first.refresh_token);
      expect(reuse.status).toBe(400);
      expect(await reuse.json()).toEqual({ detail: 'REFRESH_TOKEN_BAD_TOKEN' });
      expect((await refresh(app, next.refresh_token)).status).toBe(400);
      const me = await app.request('GET', '/users/me', { headers: bearer(next.access_token) });
      expect(me.status).toBe(401);
      expect(await s.sessions.listForUser(user.id)).toEqual([]);
    });

    test('SESSION-LIFE-003 a session ended on one instance is refused at once on another', async () => {
      const s = await shared();
      const [a, b] = [createSessionApp(s), createSessionApp(s)];
      const { email } = await newUser(a, 'instances');
      const tokens = await login(a, email);
      const cookieLogin = await a.request('POST', '/auth/cookie/login', {
        form: { username: email, password: SESSION_APP_PASSWORD },
      });
      expect(cookieLogin.status).toBe(204);
      const cookie = (cookieLogin.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
      expect(cookie.startsWith(`${SESSION_APP_COOKIE}=`)).toBe(true);
      const asJwt = () => b.request('GET', '/users/me', { headers: bearer(tokens.access_token) });
      const asCookie = () => b.request('GET', '/users/me', { headers: { cookie } });
      expect((await asJwt()).status).toBe(200);
      expect((await asCookie()).status).toBe(200);

      // A lists the sessions and ends both from the bearer session: one by id, then the rest.
      const listed = await a.request('GET', '/users/me/sessions', {
        headers: bearer(tokens.access_token),
      });
      const sessions = (await listed.json()) as { id: string; backend: string; current: boolean }[];
      expect(sessions.map((x) => x.backend).sort()).toEqual(['cookie', 'session']);
      const cookieSession = sessions.find((x) => x.backend === 'cookie');
      const ended = await a.request('DELETE', `/users/me/sessions/${cookieSession?.id}`, {
        headers: bearer(tokens.access_token),
      });
      expect(ended.status).toBe(204);
      expect((await asCookie()).status).toBe(401);
      expect((await asJwt()).status).toBe(200);
      const logout = await a.request('POST', '/auth/session/logout', {
        headers: bearer(tokens.access_token),
      });
      expect(logout.status).toBe(204);
      expect((await asJwt()).status).toBe(401);
      expect((await refresh(b, tokens.refresh_token)).status).toBe(400);
    });
  });
}
