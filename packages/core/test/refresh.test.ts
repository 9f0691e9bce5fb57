import { afterEach, describe, expect, test, vi } from 'vitest';
import { bearer, bearerLogin, createSessionsApp, PASSWORD } from './sessions-app';

let counter = 0;
const email = () => `refresh.${++counter}@camelot.bt`;

afterEach(() => {
  vi.useRealTimers();
});

type Tokens = { access_token: string; refresh_token: string; expires_in: number };

describe('refresh tokens on a bearer backend', () => {
  test('login answers a refresh token and expires_in; /refresh rotates both', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const login = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    expect(login).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(login.refresh_token).toMatch(/^[A-Za-z0-9_-]+\.0\.[A-Za-z0-9_-]{43}$/);
    const response = await app.request('POST', '/auth/session/refresh', {
      json: { refresh_token: login.refresh_token },
    });
    expect(response.status).toBe(200);
    const next = (await response.json()) as Tokens;
    expect(next.refresh_token).toMatch(/\.1\./);
    expect(next.refresh_token).not.toBe(login.refresh_token);
    const me = await app.request('GET', '/users/me', { headers: bearer(next.access_token) });
    expect(me.status).toBe(200);
    const [session] = await app.sessions.listForUser(user.id);
    expect(session?.refresh_generation).toBe(1);
    expect(session?.token_key).toBeNull();
  });

  test('20 concurrent refreshes of one token yield exactly one successor, the same for all', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const { refresh_token } = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        app.request('POST', '/auth/session/refresh', { json: { refresh_token } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const successors = new Set(
      await Promise.all(answers.map(async (a) => ((await a.json()) as Tokens).refresh_token)),
    );
    expect(successors.size).toBe(1);
    const [session] = await app.sessions.listForUser(user.id);
    expect(session?.refresh_generation).toBe(1);
    expect(app.reused).toEqual([]);
  });

  test('the previous token within the grace window returns the same successor', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = createSessionsApp();
    const user = await app.user(email());
    const { refresh_token } = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    const refresh = (token: string) =>
      app.request('POST', '/auth/session/refresh', { json: { refresh_token: token } });
    const first = (await (await refresh(refresh_token)).json()) as Tokens;
    vi.setSystemTime(Date.now() + 9_000);
    const again = (await (await refresh(refresh_token)).json()) as Tokens;
    expect(again.refresh_token).toBe(first.refresh_token);
  });

  test('a rotated token after the grace window kills the session and fires the events', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = createSessionsApp();
    const user = await app.user(email());
    const { refresh_token } = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    const refresh = (token: string) =>
      app.request('POST', '/auth/session/refresh', { json: { refresh_token: token } });
    const next = (await (await refresh(refresh_token)).json()) as Tokens;
    vi.setSystemTime(Date.now() + 11_000);
    const reuse = await refresh(refresh_token);
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toEqual({ detail: 'REFRESH_TOKEN_BAD_TOKEN' });
    // The whole family is dead: the legitimate successor and its access token too.
    expect((await refresh(next.refresh_token)).status).toBe(400);
    expect(
      (await app.request('GET', '/users/me', { headers: bearer(next.access_token) })).status,
    ).toBe(401);
    expect(app.reused).toHaveLength(1);
    expect(app.reused[0]).toMatchObject({ userId: String(user.id), backend: 'session' });
    expect(JSON.stringify(app.reused)).not.toContain(refresh_token);
    expect(app.revoked.at(-1)).toMatchObject({ reason: 'refresh_token_reuse' });
  });

  test('with reuseGraceSeconds 0 there is no window: the previous token at once is reuse', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = createSessionsApp({ reuseGraceSeconds: 0 });
    const user = await app.user(email());
    const { refresh_token } = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    const refresh = (token: string) =>
      app.request('POST', '/auth/session/refresh', { json: { refresh_token: token } });
    expect((await refresh(refresh_token)).status).toBe(200);
    // The same millisecond as the rotation: still no grace.
    const again = await refresh(refresh_token);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ detail: 'REFRESH_TOKEN_BAD_TOKEN' });
    expect(await app.sessions.listForUser(user.id)).toEqual([]);
    expect(app.reused).toHaveLength(1);
  });

  test('auth_time survives refreshes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = createSessionsApp();
    const user = await app.user(email());
    const login = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    const authTime = (token: string) =>
      (JSON.parse(atob(token.split('.')[1] ?? '')) as { auth_time: number }).auth_time;
    vi.setSystemTime(Date.now() + 120_000);
    const response = await app.request('POST', '/auth/session/refresh', {
      json: { refresh_token: login.refresh_token },
    });
    const next = (await response.json()) as Tokens;
    expect(authTime(next.access_token)).toBe(authTime(login.access_token));
  });

  test('forged, malformed, unknown and logged-out tokens are 400; a missing field is 422', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const login = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    const [id, , mac] = login.refresh_token.split('.');
    const refresh = (body: unknown) => app.request('POST', '/auth/session/refresh', { json: body });
    for (const token of [
      `${id}.5.${mac}`,
      `${id}.0.${'A'.repeat(43)}`,
      'garbage',
      `${'x'.repeat(22)}.0.${mac}`,
      '',
    ]) {
      const response = await refresh({ refresh_token: token });
      expect(response.status).toBe(400);
    }
    expect((await refresh({})).status).toBe(422);
    await app.request('POST', '/auth/session/logout', { headers: bearer(login.access_token) });
    expect((await refresh({ refresh_token: login.refresh_token })).status).toBe(400);
  });

  test('a refresh token of one backend is refused by another', async () => {
    const app = createSessionsApp({ cookieRefresh: true });
    const user = await app.user(email());
    const login = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    const response = await app.request('POST', '/auth/cookie/refresh', {
      headers: { cookie: `fastapiusersauth_refresh=${login.refresh_token}` },
    });
    expect(response.status).toBe(400);
  });

  test('/refresh spends the per-address budget: 429 past it', async () => {
    const app = createSessionsApp({ rateLimit: { perAddressPerMinute: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await app.request('POST', '/auth/session/refresh', {
        json: { refresh_token: 'nope' },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
  });

  test('an inactive user cannot refresh', async () => {
    const app = createSessionsApp({ revocation: { onSuperuserUpdate: false } });
    const user = await app.user(email());
    const login = (await bearerLogin(app, 'session', user.email)) as unknown as Tokens;
    await app.users.update(user, { is_active: false });
    const response = await app.request('POST', '/auth/session/refresh', {
      json: { refresh_token: login.refresh_token },
    });
    expect(response.status).toBe(400);
  });
});

describe('refresh tokens on a cookie backend', () => {
  test('login sets an HttpOnly refresh cookie for {prefix}/refresh; refresh rotates both', async () => {
    const app = createSessionsApp({ cookieRefresh: true });
    const user = await app.user(email());
    const login = await app.request('POST', '/auth/cookie/login', {
      form: { username: user.email, password: PASSWORD },
    });
    expect(login.status).toBe(204);
    const [auth, refreshCookie] = login.headers.getSetCookie();
    expect(auth).toMatch(/^fastapiusersauth=/);
    expect(refreshCookie).toMatch(
      /^fastapiusersauth_refresh=[^;]+; HttpOnly; Max-Age=\d+; Path=\/auth\/cookie\/refresh;/,
    );
    const value = refreshCookie?.split(';')[0] ?? '';
    const rotated = await app.request('POST', '/auth/cookie/refresh', {
      headers: { cookie: value },
    });
    expect(rotated.status).toBe(204);
    const cookies = rotated.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[1]?.split(';')[0]).not.toBe(value);
    const me = await app.request('GET', '/users/me', {
      headers: { cookie: cookies[0]?.split(';')[0] ?? '' },
    });
    expect(me.status).toBe(200);
  });

  test('a bad or missing refresh cookie is 400 and clears both cookies', async () => {
    const app = createSessionsApp({ cookieRefresh: true });
    const attempts: Record<string, string>[] = [
      { cookie: 'fastapiusersauth_refresh=nonsense' },
      {},
    ];
    for (const headers of attempts) {
      const response = await app.request('POST', '/auth/cookie/refresh', { headers });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ detail: 'REFRESH_TOKEN_BAD_TOKEN' });
      const cleared = response.headers.getSetCookie();
      expect(cleared).toHaveLength(2);
      for (const cookie of cleared) expect(cookie).toMatch(/=""; .*Max-Age=0/);
      expect(cleared[1]).toContain('Path=/auth/cookie/refresh');
    }
  });
});
