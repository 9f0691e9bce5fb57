import { afterEach, describe, expect, test, vi } from 'vitest';
import { createDatabaseStrategy } from '../src/auth/database-strategy';
import { createJwtStrategy } from '../src/auth/jwt-strategy';
import { createMemorySessionStore } from '../src/sessions/memory-session-store';
import { tokenKeyOf } from '../src/sessions/session-data';
import { SECRET } from './app';
import {
  bearer,
  bearerLogin,
  cookieLogin,
  createSessionsApp,
  PASSWORD,
  type SessionsApp,
} from './sessions-app';

let counter = 0;
const email = (tag = 'user') => `${tag}.${++counter}@camelot.bt`;

async function listSessions(app: SessionsApp, token: string) {
  const response = await app.request('GET', '/users/me/sessions', { headers: bearer(token) });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; backend: string; current: boolean }[];
}

describe('database strategy sessions', () => {
  test('stores the SHA-256 of the token, never the token, with the login details', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const response = await app.request('POST', '/auth/cookie/login', {
      form: { username: user.email, password: PASSWORD },
      headers: { 'user-agent': 'x'.repeat(600) },
    });
    const token = /fastapiusersauth=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    expect(token).toBeTruthy();
    const [session] = await app.sessions.listForUser(user.id);
    expect(session).toMatchObject({
      backend: 'cookie',
      ip: '203.0.113.7',
      mfa: false,
      token_key: await tokenKeyOf(token ?? '', 'hashed'),
      refresh_generation: null,
    });
    expect(session?.token_key).not.toBe(token);
    expect(session?.token_key).toMatch(/^[0-9a-f]{64}$/);
    expect(session?.user_agent).toHaveLength(512);
    expect(session?.last_used_at).toEqual(session?.created_at);
  });

  test("tokenStorage 'plain' keeps the token itself (FastAPI Users' layout)", async () => {
    const app = createSessionsApp({ tokenStorage: 'plain' });
    const user = await app.user(email());
    const { cookie } = await cookieLogin(app, user.email);
    const [session] = await app.sessions.listForUser(user.id);
    expect(`fastapiusersauth=${session?.token_key}`).toBe(cookie);
    const me = await app.request('GET', '/users/me', { headers: { cookie } });
    expect(me.status).toBe(200);
  });

  test('logout deletes the session; revokeAllForUser deletes every one', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const first = await cookieLogin(app, user.email);
    await cookieLogin(app, user.email);
    expect(await app.sessions.listForUser(user.id)).toHaveLength(2);
    const out = await app.request('POST', '/auth/cookie/logout', {
      headers: { cookie: first.cookie },
    });
    expect(out.status).toBe(204);
    expect(await app.sessions.listForUser(user.id)).toHaveLength(1);
    expect(
      (await app.request('GET', '/users/me', { headers: { cookie: first.cookie } })).status,
    ).toBe(401);
    expect(app.revoked).toEqual([
      { userId: String(user.id), sessionIds: [expect.any(String)], reason: 'logout' },
    ]);
    await app.portcullis.revokeAllForUser(user);
    expect(await app.sessions.listForUser(user.id)).toHaveLength(0);
  });

  test('last_used_at moves at most once a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = createSessionsApp();
    const user = await app.user(email());
    const { cookie } = await cookieLogin(app, user.email);
    const [created] = await app.sessions.listForUser(user.id);
    vi.setSystemTime(Date.now() + 30_000);
    await app.request('GET', '/users/me', { headers: { cookie } });
    expect((await app.sessions.listForUser(user.id))[0]?.last_used_at).toEqual(
      created?.last_used_at,
    );
    vi.setSystemTime(Date.now() + 31_000);
    await app.request('GET', '/users/me', { headers: { cookie } });
    const [touched] = await app.sessions.listForUser(user.id);
    expect(touched?.last_used_at.getTime()).toBe(Date.now());
  });

  test('refuses a store that is not a SessionStore at start-up', async () => {
    const { touch: _, ...partial } = createMemorySessionStore();
    const strategy = createDatabaseStrategy({ store: partial as never });
    await expect(strategy.readToken('x', { findById: async () => null })).rejects.toThrow(
      /store.touch must be a function: a SessionStore implements/,
    );
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the sessions router', () => {
  test('lists live sessions newest first, marks the current one, shows no secret', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    await cookieLogin(app, user.email);
    const { access_token } = await bearerLogin(app, 'session', user.email);
    const listed = await listSessions(app, access_token);
    expect(listed.map((s) => [s.backend, s.current])).toEqual([
      ['session', true],
      ['cookie', false],
    ]);
    expect(Object.keys(listed[0] ?? {}).sort()).toEqual(
      [
        'backend',
        'created_at',
        'current',
        'expires_at',
        'id',
        'ip',
        'last_used_at',
        'user_agent',
      ].sort(),
    );
    // A stateless JWT has no session: nothing is current.
    const jwt = await bearerLogin(app, 'jwt', user.email);
    expect((await listSessions(app, jwt.access_token)).some((s) => s.current)).toBe(false);
  });

  test("ends one session; another user's, an unknown or an ended id is 404", async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const other = await app.user(email());
    const { cookie } = await cookieLogin(app, user.email);
    const mine = await bearerLogin(app, 'session', user.email);
    const theirs = await bearerLogin(app, 'session', other.email);
    const [theirSession] = await listSessions(app, theirs.access_token);
    const cookieSession = (await listSessions(app, mine.access_token)).find((s) => !s.current);
    const end = (id: string) =>
      app.request('DELETE', `/users/me/sessions/${id}`, { headers: bearer(mine.access_token) });
    expect((await end(theirSession?.id ?? '')).status).toBe(404);
    expect(await (await end('nope')).json()).toEqual({ detail: 'Not Found' });
    expect((await end(cookieSession?.id ?? '')).status).toBe(204);
    expect((await end(cookieSession?.id ?? '')).status).toBe(404);
    expect((await app.request('GET', '/users/me', { headers: { cookie } })).status).toBe(401);
    expect(app.revoked).toEqual([
      { userId: String(user.id), sessionIds: [cookieSession?.id], reason: 'ended_by_user' },
    ]);
  });

  test('DELETE /me/sessions ends every session but the current one', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    await cookieLogin(app, user.email);
    await bearerLogin(app, 'session', user.email);
    const current = await bearerLogin(app, 'session', user.email);
    const response = await app.request('DELETE', '/users/me/sessions', {
      headers: bearer(current.access_token),
    });
    expect(response.status).toBe(204);
    const left = await listSessions(app, current.access_token);
    expect(left.map((s) => s.current)).toEqual([true]);
  });

  test('superusers list and end anyone’s sessions; others get 403, unknown users 404', async () => {
    const app = createSessionsApp();
    const admin = await app.user(email('admin'), { superuser: true });
    const user = await app.user(email());
    const adminToken = (await bearerLogin(app, 'session', admin.email)).access_token;
    const userToken = (await bearerLogin(app, 'session', user.email)).access_token;
    await cookieLogin(app, user.email);
    const list = await app.request('GET', `/users/${user.id}/sessions`, {
      headers: bearer(adminToken),
    });
    expect(list.status).toBe(200);
    expect(await list.json()).toHaveLength(2);
    for (const path of [`/users/${user.id}/sessions`, `/users/${admin.id}/sessions`]) {
      const refused = await app.request('GET', path, { headers: bearer(userToken) });
      expect(refused.status).toBe(403);
    }
    const ownId = await app.request('DELETE', `/users/${user.id}/sessions`, {
      headers: bearer(userToken),
    });
    expect(ownId.status).toBe(403);
    const unknown = `/users/00000000-0000-4000-8000-000000000000/sessions`;
    expect((await app.request('GET', unknown, { headers: bearer(adminToken) })).status).toBe(404);
    const ended = await app.request('DELETE', `/users/${user.id}/sessions`, {
      headers: bearer(adminToken),
    });
    expect(ended.status).toBe(204);
    expect(await app.sessions.listForUser(user.id)).toEqual([]);
    expect((await app.request('GET', '/users/me', { headers: bearer(userToken) })).status).toBe(
      401,
    );
  });
});

describe('revocation rules', () => {
  test('a password reset ends every session of the user', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const { cookie } = await cookieLogin(app, user.email);
    const { access_token } = await bearerLogin(app, 'session', user.email);
    await app.portcullis.userManager.forgotPassword(user);
    const token = app.mail.at(-1)?.token ?? '';
    const reset = await app.request('POST', '/auth/reset-password', {
      json: { token, password: 'another long password' },
    });
    expect(reset.status).toBe(200);
    expect((await app.request('GET', '/users/me', { headers: { cookie } })).status).toBe(401);
    expect((await app.request('GET', '/users/me', { headers: bearer(access_token) })).status).toBe(
      401,
    );
    expect(app.revoked.at(-1)).toMatchObject({ reason: 'password_reset' });
    expect(app.revoked.at(-1)?.sessionIds).toHaveLength(2);
  });

  test('PATCH /users/me with a password ends the other sessions, not the current one', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const { cookie } = await cookieLogin(app, user.email);
    const { access_token } = await bearerLogin(app, 'session', user.email);
    const patched = await app.request('PATCH', '/users/me', {
      json: { password: 'another long password' },
      headers: bearer(access_token),
    });
    expect(patched.status).toBe(200);
    expect((await app.request('GET', '/users/me', { headers: bearer(access_token) })).status).toBe(
      200,
    );
    expect((await app.request('GET', '/users/me', { headers: { cookie } })).status).toBe(401);
  });

  test('a PATCH without a password ends nothing', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const { cookie } = await cookieLogin(app, user.email);
    const { access_token } = await bearerLogin(app, 'session', user.email);
    await app.request('PATCH', '/users/me', { json: {}, headers: bearer(access_token) });
    expect((await app.request('GET', '/users/me', { headers: { cookie } })).status).toBe(200);
  });

  test('a superuser setting is_active false or a password ends all of the target’s sessions', async () => {
    const app = createSessionsApp();
    const admin = await app.user(email('admin'), { superuser: true });
    const adminToken = (await bearerLogin(app, 'session', admin.email)).access_token;
    for (const change of [{ password: 'another long password' }, { is_active: false }]) {
      const user = await app.user(email());
      await cookieLogin(app, user.email);
      await bearerLogin(app, 'session', user.email);
      const response = await app.request('PATCH', `/users/${user.id}`, {
        json: change,
        headers: bearer(adminToken),
      });
      expect(response.status).toBe(200);
      expect(await app.sessions.listForUser(user.id)).toEqual([]);
    }
  });

  test('deleting a user ends their sessions', async () => {
    const app = createSessionsApp();
    const admin = await app.user(email('admin'), { superuser: true });
    const adminToken = (await bearerLogin(app, 'session', admin.email)).access_token;
    const user = await app.user(email());
    await cookieLogin(app, user.email);
    const gone = await app.request('DELETE', `/users/${user.id}`, { headers: bearer(adminToken) });
    expect(gone.status).toBe(204);
    expect(await app.sessions.listForUser(user.id)).toEqual([]);
    expect(app.revoked.at(-1)).toMatchObject({ reason: 'user_deleted' });
  });

  test('each rule can be switched off', async () => {
    const app = createSessionsApp({
      revocation: { onPasswordChange: false, onPasswordReset: false },
    });
    const user = await app.user(email());
    const { cookie } = await cookieLogin(app, user.email);
    const { access_token } = await bearerLogin(app, 'session', user.email);
    await app.request('PATCH', '/users/me', {
      json: { password: 'another long password' },
      headers: bearer(access_token),
    });
    expect((await app.request('GET', '/users/me', { headers: { cookie } })).status).toBe(200);
    expect(() => createSessionsApp({ revocation: { onLogin: true } as never })).toThrow(
      /sessionRevocation.onLogin is not a rule/,
    );
  });
});

describe('session JWTs', () => {
  test('carry sid and an audience of their backend: the stateless jwt backend refuses them', async () => {
    const app = createSessionsApp();
    const user = await app.user(email());
    const { access_token } = await bearerLogin(app, 'session', user.email);
    const payload = JSON.parse(atob(access_token.split('.')[1] ?? '')) as Record<string, unknown>;
    expect(payload).toMatchObject({ sub: String(user.id), aud: ['portcullis:session:session'] });
    expect(typeof payload.sid).toBe('string');
    expect(typeof payload.auth_time).toBe('number');
    const onlyJwt = await app.portcullis.authenticate(bearer(access_token), { backends: ['jwt'] });
    expect(onlyJwt.ok).toBe(false);
  });

  test('a revoked session answers 401 at once on a second instance sharing the store', async () => {
    const sessions = createMemorySessionStore();
    const first = createSessionsApp({ sessions });
    const second = createSessionsApp({ sessions, users: first.users });
    const user = await first.user(email());
    const { access_token } = await bearerLogin(first, 'session', user.email);
    expect(
      (await second.request('GET', '/users/me', { headers: bearer(access_token) })).status,
    ).toBe(200);
    const out = await first.request('POST', '/auth/session/logout', {
      headers: bearer(access_token),
    });
    expect(out.status).toBe(204);
    expect(
      (await second.request('GET', '/users/me', { headers: bearer(access_token) })).status,
    ).toBe(401);
  });

  test('refuses refresh without sessions, and a refresh secret under 32 bytes', async () => {
    const refuse = (options: Record<string, unknown>) =>
      createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60, ...options }).readToken('x', {
        findById: async () => null,
      });
    const sessions = createMemorySessionStore();
    await expect(refuse({ refresh: { lifetimeSeconds: 60 } })).rejects.toThrow(
      /refresh needs sessions/,
    );
    await expect(
      refuse({ sessions, refresh: { lifetimeSeconds: 60, secret: 'short' } }),
    ).rejects.toThrow(/refresh.secret must be at least 32 bytes/);
  });
});

describe('the sessions routes in OpenAPI', () => {
  test('are documented under users with the Session schema; refresh has its own bearer answer', async () => {
    const { buildOpenApi } = await import('../src/openapi');
    const app = createSessionsApp();
    const handler = app.portcullis.handler([
      ['/auth/session', app.portcullis.authRouter('session')],
      ['/users', app.portcullis.sessionsRouter()],
    ]);
    const doc = buildOpenApi(handler.routes, app.portcullis.backends, { title: 't', version: '1' });
    const list = doc.paths['/users/me/sessions']?.get;
    expect(list?.tags).toEqual(['users']);
    expect(JSON.stringify(list?.responses['200'])).toContain('#/components/schemas/Session');
    expect(Object.keys(doc.paths['/users/{id}/sessions'] ?? {}).sort()).toEqual(['delete', 'get']);
    const refresh = doc.paths['/auth/session/refresh']?.post;
    expect(JSON.stringify(refresh?.responses['200'])).toContain('BearerRefreshResponse');
    expect(Object.keys(refresh?.responses ?? {})).toEqual(['200', '400', '422']);
  });
});

describe('start-up checks and JWT revocation', () => {
  test('createPortcullis refuses a refresh secret under 32 bytes, with its path', async () => {
    const { createPortcullis } = await import('../src/portcullis');
    const { createAuthBackend } = await import('../src/auth/backend');
    const { createBearerTransport } = await import('../src/auth/bearer-transport');
    const { createMemoryUserStore } = await import('./memory-store');
    expect(() =>
      createPortcullis({
        userManager: {
          users: createMemoryUserStore(),
          resetPasswordToken: { secret: SECRET },
          verificationToken: { secret: SECRET },
        },
        backends: [
          createAuthBackend({
            name: 'session',
            transport: createBearerTransport({ tokenUrl: 'auth/session/login' }),
            strategy: createJwtStrategy({
              secret: SECRET,
              lifetimeSeconds: 60,
              sessions: createMemorySessionStore(),
              refresh: { lifetimeSeconds: 600, secret: 'too short' },
            }),
          }),
        ],
      }),
    ).toThrow(/backends\[0\]\.strategy\.refresh\.secret must be at least 32 bytes/);
  });

  test('with JWT revocation on, a reset revokes the JWTs; a password change spares the current one', async () => {
    const { createMemoryRevocationStore } = await import('./memory-revocation-store');
    const app = createSessionsApp({ jwtRevocation: createMemoryRevocationStore() });
    const user = await app.user(email());
    const viaJwt = await bearerLogin(app, 'jwt', user.email);
    const viaSession = await bearerLogin(app, 'session', user.email);
    const status = async (token: string) =>
      (await app.request('GET', '/users/me', { headers: bearer(token) })).status;
    // Changed with the JWT itself: that JWT cannot be spared by a cut-off, so it is kept.
    await app.request('PATCH', '/users/me', {
      json: { password: 'another long password' },
      headers: bearer(viaJwt.access_token),
    });
    expect(await status(viaJwt.access_token)).toBe(200);
    expect(await status(viaSession.access_token)).toBe(401);
    // A reset: every JWT of the user goes, the one kept above included.
    const current = await app.users.get(user.id);
    if (!current) throw new Error('the user is gone');
    await app.portcullis.userManager.forgotPassword(current);
    const reset = await app.request('POST', '/auth/reset-password', {
      json: { token: app.mail.at(-1)?.token ?? '', password: 'a third long password' },
    });
    expect(reset.status).toBe(200);
    expect(await status(viaJwt.access_token)).toBe(401);
  });
});
