import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningDemo, startDemo, startExpectingFailure } from './demo';

describe('the Fastify demo (DESIGN §8)', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(async () => {
    await demo.stop();
  });

  test('serves /docs with every asset from this server, no CDN', async () => {
    const page = await fetch(`${demo.base}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="https?:/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const response = await fetch(new URL(asset, demo.base));
      expect(response.status, asset).toBe(200);
    }
  });

  test('serves an OpenAPI 3.1 document with /users/{id} and both security schemes', async () => {
    const doc = (await (await fetch(`${demo.base}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/auth/jwt/login',
        '/auth/cookie/logout',
        '/auth/register',
        '/users/me',
        '/users/{id}',
      ]),
    );
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'APIKeyCookie',
      'OAuth2PasswordBearer',
    ]);
  });

  test('create-user prints the user exactly as GET /users/{id} returns it; a duplicate fails', async () => {
    const admin = await demo.createUser([
      '--email',
      'merlin@camelot.bt',
      '--password',
      'merlin-secret',
      '--superuser',
    ]);
    expect(admin.code).toBe(0);
    const created = JSON.parse(admin.stdout) as Record<string, unknown>;
    expect(admin.stdout.trim().split('\n')).toHaveLength(1);
    expect(created).toMatchObject({
      email: 'merlin@camelot.bt',
      is_superuser: true,
      is_active: true,
      is_verified: false,
    });
    const login = await fetch(`${demo.base}/auth/jwt/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'merlin@camelot.bt', password: 'merlin-secret' }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const read = await fetch(`${demo.base}/users/${created.id}`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(await read.json()).toEqual(created);
    const duplicate = await demo.createUser([
      '--email',
      'MERLIN@camelot.bt',
      '--password',
      'merlin-secret',
    ]);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toMatch(/already exists/);
    expect(duplicate.stdout).toBe('');
  });

  test('create-user honours --verified and --inactive and the password policy', async () => {
    const flags = await demo.createUser([
      '--email',
      'percival@camelot.bt',
      '--password',
      'grail-seeker',
      '--verified',
      '--inactive',
    ]);
    expect(JSON.parse(flags.stdout)).toMatchObject({
      is_verified: true,
      is_active: false,
      is_superuser: false,
    });
    const weak = await demo.createUser(['--email', 'galahad@camelot.bt', '--password', 'short']);
    expect(weak.code).not.toBe(0);
    const containsEmail = await demo.createUser([
      '--email',
      'bors@camelot.bt',
      '--password',
      'xbors@camelot.btx',
    ]);
    expect(containsEmail.code).not.toBe(0);
  });

  test('the password may not contain the email (REGISTER_INVALID_PASSWORD)', async () => {
    const response = await fetch(`${demo.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'kay@camelot.bt', password: 'my kay@camelot.bt pass' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should not contain e-mail' },
    });
  });

  test('OUTBOX gets one JSON object per line for reset and verify mails', async () => {
    await fetch(`${demo.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'tristan@camelot.bt', password: 'isolde-forever' }),
    });
    for (const path of ['/auth/forgot-password', '/auth/request-verify-token']) {
      await fetch(`${demo.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'tristan@camelot.bt' }),
      });
    }
    const mails = demo.outbox().filter((m) => m.email === 'tristan@camelot.bt');
    expect(mails.map((m) => m.kind)).toEqual(['reset', 'verify']);
    for (const mail of mails) expect(Object.keys(mail).sort()).toEqual(['email', 'kind', 'token']);
  });

  test('plain-http PUBLIC_URL: cookies without Secure, and a warning on stderr', async () => {
    expect(demo.stderr()).toMatch(/Secure/);
    expect(demo.stderr()).not.toMatch(/demo-test-secret/);
  });

  test('a guarded app route sees request.user', async () => {
    expect((await fetch(`${demo.base}/whoami`)).status).toBe(401);
  });
});

describe('demo start-up and shutdown', () => {
  test('https PUBLIC_URL makes the auth cookie Secure; no SECRET warns', async () => {
    const demo = await startDemo({ PUBLIC_URL: 'https://auth.camelot.bt', SECRET: '' });
    try {
      await fetch(`${demo.base}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'lancelot@camelot.bt', password: 'guinevere' }),
      });
      const login = await fetch(`${demo.base}/auth/cookie/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'lancelot@camelot.bt', password: 'guinevere' }),
      });
      expect(login.headers.getSetCookie()[0]).toMatch(/; Secure$/);
      expect(demo.stderr()).toMatch(/SECRET is not set/);
    } finally {
      await demo.stop();
    }
  });

  test('refuses to start with a clear message for a malformed or unusable DATABASE_URL', async () => {
    // A folder that cannot be created: its parent is a regular file.
    const file = join(mkdtempSync(join(tmpdir(), 'portcullis-')), 'not-a-folder');
    writeFileSync(file, '');
    for (const url of ['nonsense', 'sqlite:', `sqlite:${file}/app.db`, 'postgres//missing-colon']) {
      const result = await startExpectingFailure({ DATABASE_URL: url });
      expect(result.code, url).not.toBe(0);
      expect(result.stderr, url).toMatch(/^error: DATABASE_URL/m);
      expect(result.stderr, url).not.toMatch(/\n\s+at /);
    }
  });

  test('SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const demo = await startDemo();
    await fetch(`${demo.base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bedivere@camelot.bt', password: 'excalibur' }),
    });
    // A login runs argon2 on the thread pool: it is in flight when the signal lands.
    const inFlight = fetch(`${demo.base}/auth/jwt/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'bedivere@camelot.bt', password: 'excalibur' }),
    });
    await new Promise((r) => setTimeout(r, 5));
    const code = demo.stop('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await code).toBe(0);
  });
});
