import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createExample, type HonoExample } from '../src/app';

let example: HonoExample;
let server: ServerType;
let base: string;
const mail: { kind: string; email: string; token: string }[] = [];

beforeAll(async () => {
  example = await createExample({
    databasePath: ':memory:',
    secret: 'hono-example-test-secret-0123456789',
    sendMail: (kind, email, token) => mail.push({ kind, email, token }),
  });
  server = serve({ fetch: example.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await example.close();
});

const email = 'lancelot@camelot.bt';
const password = 'guinevere';

describe('Portcullis in Hono, on Node', () => {
  test('registers, logs in with a bearer token and reads /users/me', async () => {
    const registered = await fetch(`${base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ email, is_active: true, is_verified: false });

    const login = await fetch(`${base}/auth/jwt/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: email.toUpperCase(), password }),
    });
    expect(login.status).toBe(200);
    const { access_token: token } = (await login.json()) as { access_token: string };

    const me = await fetch(`${base}/users/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email });
    expect((await fetch(`${base}/users/me`)).status).toBe(401);
  });

  test('logs in with the cookie backend; the cookie opens the app route', async () => {
    const login = await fetch(`${base}/auth/cookie/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: email, password }),
    });
    expect(login.status).toBe(204);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^fastapiusersauth=./);
    const hello = await fetch(`${base}/hello`, { headers: { cookie } });
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ message: `Hello, ${email}!` });
    expect((await fetch(`${base}/hello`)).status).toBe(401);
  });

  test('sends the reset token through the hook, and it resets the password once', async () => {
    const forgot = await fetch(`${base}/auth/forgot-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(forgot.status).toBe(202);
    const token = mail.filter((m) => m.kind === 'reset' && m.email === email).pop()?.token;
    expect(token).toBeTypeOf('string');
    const reset = () =>
      fetch(`${base}/auth/reset-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, password: 'morgana-le-fay' }),
      });
    expect((await reset()).status).toBe(200);
    expect(await (await reset()).json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' });
  });

  test('Portcullis answers its own unknown paths; Hono answers the rest', async () => {
    const unknown = await fetch(`${base}/auth/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Not Found' });
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
  });
});
