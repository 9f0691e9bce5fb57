import { afterEach, beforeEach, describe, expect, type MockInstance, test, vi } from 'vitest';
import { createTestApp, type TestApp } from './app';

// The verified-token cache (issue 7) remembers a token's signature, never its user: the JWT
// strategy loads the user on every request, so account changes apply on the very next one.

const PASSWORD = 'guinevere';
let counter = 0;

async function loginAs(app: TestApp): Promise<{ id: string; token: string }> {
  counter += 1;
  const email = `cache.${counter}@camelot.bt`;
  const registered = await app.request('POST', '/auth/register', {
    json: { email, password: PASSWORD },
  });
  expect(registered.status).toBe(201);
  const { id } = (await registered.json()) as { id: string };
  const login = await app.request('POST', '/auth/jwt/login', {
    form: { username: email, password: PASSWORD },
  });
  expect(login.status).toBe(200);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { id, token };
}

describe('a cached JWT still answers for its user as the user is now', () => {
  let app: TestApp;
  // A signature check is node:crypto's HMAC (HS* on Node) or Web Crypto's verify (jose).
  let spies: MockInstance[];
  const signatureChecks = (): number =>
    spies.reduce((total, spy) => total + spy.mock.calls.length, 0);
  const forgetChecks = (): void => {
    for (const spy of spies) spy.mockClear();
  };

  beforeEach(() => {
    app = createTestApp();
    spies = [
      vi.spyOn(process.getBuiltinModule('node:crypto'), 'createHmac'),
      vi.spyOn(crypto.subtle, 'verify'),
    ];
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const me = (token: string): Promise<Response> =>
    app.request('GET', '/users/me', { headers: bearer(token) });

  test('answers a repeated token from the cache (one signature check for many requests)', async () => {
    const { id, token } = await loginAs(app);
    forgetChecks();
    for (let i = 0; i < 3; i++) {
      const response = await me(token);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { id: string }).id).toBe(id);
    }
    expect(signatureChecks()).toBe(1);
  });

  test('refuses a deactivated user on the next request although the token is cached', async () => {
    const { id, token } = await loginAs(app);
    expect((await me(token)).status).toBe(200);
    const row = app.users.rows.get(id);
    if (!row) throw new Error('registered user not in the store');
    row.is_active = false;
    forgetChecks();
    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ detail: 'Unauthorized' });
    // Answered from the cache: the refusal came from loading the user, not the signature.
    expect(signatureChecks()).toBe(0);
    row.is_active = true;
    expect((await me(token)).status).toBe(200);
  });

  test('refuses a deleted user on the next request although the token is cached', async () => {
    const { id, token } = await loginAs(app);
    expect((await me(token)).status).toBe(200);
    app.users.rows.delete(id);
    forgetChecks();
    expect((await me(token)).status).toBe(401);
    expect(signatureChecks()).toBe(0);
  });

  test('serves the user as stored now: a superuser flag taken away applies at once', async () => {
    const { id, token } = await loginAs(app);
    const row = app.users.rows.get(id);
    if (!row) throw new Error('registered user not in the store');
    const byId = (): Promise<Response> =>
      app.request('GET', `/users/${id}`, { headers: bearer(token) });
    row.is_superuser = true;
    expect((await byId()).status).toBe(200);
    row.is_superuser = false;
    expect((await byId()).status).toBe(403);
  });
});

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
