import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { httpContractSuite } from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contractTarget, type RunningDemo, startDemo, startExpectingFailure } from './demo-process';
import { secondFactorCases } from './demo-second-factor';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
/**
 * For tests and hooks that spawn processes (the server, the CLI): starting node + tsx takes
 * seconds, many more on a loaded machine. A limit, not a measurement.
 */
const SPAWN_TIMEOUT = 120_000;
const SPAWNS = { timeout: SPAWN_TIMEOUT };

/**
 * Sends raw bytes, half-closing the connection after them if asked, and collects the answer
 * until the server ends the connection (`null` if it did not within 10 s).
 */
function exchange(base: string, bytes: string, halfClose = false): Promise<string | null> {
  const { port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    const done = (answer: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(null), 10_000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('end', () => done(received));
    socket.on('error', () => done(received));
    socket.write(bytes);
    if (halfClose) socket.end();
  });
}

/** A client sending `head` now and then one byte every 200 ms, never finishing. */
function trickle(base: string, head: string): { socket: Socket; stop(): void } {
  const { port } = new URL(base);
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(head);
  const timer = setInterval(() => {
    if (socket.writable) socket.write('a');
  }, 200);
  return {
    socket,
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  body: new URLSearchParams(fields),
});

/**
 * Every demo's tests, the same for each framework (see docs/demo.md): the FastAPI Users HTTP contract through
 * `pnpm start`'s entry point, then the demo's own promises (docs, OpenAPI, create-user, OUTBOX,
 * password policy, the guarded route, Secure cookies, start-up errors, SIGTERM). One demo
 * process serves the contract and the demo checks; two more cover start-up and shutdown.
 *
 * @param framework the name the demo prints (`fastify`, `express`, `koa`)
 * @param appUrl `new URL('..', import.meta.url)` from the demo's test folder
 */
export function demoSuite(framework: string, appUrl: URL): void {
  const appDir = fileURLToPath(appUrl);
  let started: Promise<RunningDemo> | undefined;
  const demo = (): Promise<RunningDemo> => {
    started ??= startDemo(appDir);
    return started;
  };
  afterAll(async () => {
    await (await started)?.stop();
  }, SPAWN_TIMEOUT);

  httpContractSuite({
    name: `${framework} demo (pnpm start)`,
    timeout: SPAWN_TIMEOUT,
    mfa: true,
    async target() {
      const d = await demo();
      return contractTarget(d);
    },
  });

  describe(`the ${framework} demo`, () => {
    let d: RunningDemo;
    beforeAll(async () => {
      d = await demo();
    }, SPAWN_TIMEOUT);

    test('says where it listens and where the docs are', () => {
      expect(d.stdout()).toContain(`Portcullis demo (${framework}) listening on ${d.base}\n`);
      expect(d.stdout()).toContain(`Interactive docs: ${d.base}/docs\n`);
    });

    test('serves /docs with every asset from this server, no CDN', async () => {
      const page = await fetch(`${d.base}/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).not.toMatch(/(src|href)="https?:/);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
      expect(assets.length).toBeGreaterThanOrEqual(2);
      for (const asset of assets) {
        const response = await fetch(new URL(asset, d.base));
        expect(response.status, asset).toBe(200);
        expect(response.headers.get('cache-control'), asset).toBe('public, max-age=3600');
      }
      const missing = await fetch(`${d.base}/docs/assets/package.json`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ detail: 'Not Found' });
    });

    test('answers a path that is not valid percent-encoding with a 4xx, never a 500', async () => {
      for (const path of ['/docs/assets/%E0%A4%A', '/users/%E0%A4%A', '/%E0%A4%A']) {
        const response = await fetch(`${d.base}${path}`);
        expect(response.status, path).toBeGreaterThanOrEqual(400);
        expect(response.status, path).toBeLessThan(500);
      }
    });

    test('answers CONNECT, unknown methods and broken framing with a JSON 4xx', async () => {
      const answers = await Promise.all([
        exchange(d.base, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n'),
        exchange(d.base, 'FOO /auth/register HTTP/1.1\r\nHost: x\r\n\r\n'),
        exchange(
          d.base,
          'POST /auth/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        ),
      ]);
      expect(answers.map((a) => a?.slice(0, 12))).toEqual([
        'HTTP/1.1 405',
        'HTTP/1.1 400',
        'HTTP/1.1 400',
      ]);
      for (const answer of answers) expect(answer).toMatch(/\r\n\r\n\{"detail":"[^"]+"\}$/);
    });

    test('a client that half-closes after its request gets the answer, every time', async () => {
      // Well formed, wrongly signed: its check takes a moment, during which Node used to see the
      // client's FIN and close the connection before the 401 was written.
      const part = (value: object): string =>
        Buffer.from(JSON.stringify(value)).toString('base64url');
      const token = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'x', aud: ['portcullis:auth'], exp: 4e9 })}.${'A'.repeat(43)}`;
      const request = (path: string): string =>
        `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`;
      const answers = await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          exchange(d.base, request(i % 2 ? '/whoami' : '/users/me'), true),
        ),
      );
      for (const answer of answers) {
        expect(answer?.slice(0, 12)).toBe('HTTP/1.1 401');
        expect(answer).toMatch(/\{"detail":"Unauthorized"\}$/);
      }
    });

    test('serves an OpenAPI 3.1 document with /users/{id} and both security schemes', async () => {
      const response = await fetch(`${d.base}/openapi.json`);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const doc = (await response.json()) as {
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

    test(
      'create-user prints the user exactly as GET /users/{id} returns it; a duplicate fails',
      SPAWNS,
      async () => {
        const admin = await d.createUser([
          '--email',
          'merlin@camelot.bt',
          '--password',
          'merlin-secret',
          '--superuser',
        ]);
        expect(admin.code).toBe(0);
        expect(admin.stdout.trim().split('\n')).toHaveLength(1);
        const created = JSON.parse(admin.stdout) as Record<string, unknown>;
        expect(created).toMatchObject({
          email: 'merlin@camelot.bt',
          is_superuser: true,
          is_active: true,
          is_verified: false,
        });
        const login = await fetch(
          `${d.base}/auth/jwt/login`,
          form({ username: 'merlin@camelot.bt', password: 'merlin-secret' }),
        );
        const { access_token } = (await login.json()) as { access_token: string };
        const read = await fetch(`${d.base}/users/${created.id}`, {
          headers: { authorization: `Bearer ${access_token}` },
        });
        expect(await read.json()).toEqual(created);
        const duplicate = await d.createUser([
          '--email',
          'MERLIN@camelot.bt',
          '--password',
          'merlin-secret',
        ]);
        expect(duplicate.code).not.toBe(0);
        expect(duplicate.stderr).toMatch(/already exists/);
        expect(duplicate.stdout).toBe('');
      },
    );

    test(
      'create-user honours --verified and --inactive and the password policy',
      SPAWNS,
      async () => {
        const [flags, weak, withEmail] = await Promise.all([
          d.createUser([
            '--email',
            'percival@camelot.bt',
            '--password',
            'grail-seeker',
            '--verified',
            '--inactive',
          ]),
          d.createUser(['--email', 'galahad@camelot.bt', '--password', 'short']),
          d.createUser(['--email', 'bors@camelot.bt', '--password', 'xbors@camelot.btx']),
        ]);
        expect(JSON.parse(flags.stdout)).toMatchObject({
          is_verified: true,
          is_active: false,
          is_superuser: false,
        });
        expect(weak.code).toBe(1);
        expect(weak.stderr).toMatch(/at least 8 characters/);
        expect(withEmail.code).toBe(1);
        expect(withEmail.stderr).toMatch(/should not contain e-mail/);
      },
    );

    test('the password may not contain the email (REGISTER_INVALID_PASSWORD)', async () => {
      const response = await fetch(
        `${d.base}/auth/register`,
        json({ email: 'kay@camelot.bt', password: 'my kay@camelot.bt pass' }),
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should not contain e-mail' },
      });
    });

    test('OUTBOX gets one JSON object per line for reset and verify mails', async () => {
      await fetch(
        `${d.base}/auth/register`,
        json({ email: 'tristan@camelot.bt', password: 'isolde-forever' }),
      );
      for (const path of ['/auth/forgot-password', '/auth/request-verify-token']) {
        await fetch(`${d.base}${path}`, json({ email: 'tristan@camelot.bt' }));
      }
      const mails = d.outbox().filter((m) => m.email === 'tristan@camelot.bt');
      expect(mails.map((m) => m.kind)).toEqual(['reset', 'verify']);
      for (const mail of mails)
        expect(Object.keys(mail).sort()).toEqual(['email', 'kind', 'token']);
    });

    test('/whoami shows the user the guard set, from a token or the cookie; 401 without', async () => {
      const anonymous = await fetch(`${d.base}/whoami`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ detail: 'Unauthorized' });
      await fetch(
        `${d.base}/auth/register`,
        json({ email: 'gareth@camelot.bt', password: 'beaumains' }),
      );
      const credentials = { username: 'gareth@camelot.bt', password: 'beaumains' };
      const login = await fetch(`${d.base}/auth/jwt/login`, form(credentials));
      const { access_token } = (await login.json()) as { access_token: string };
      const bearer = await fetch(`${d.base}/whoami`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(await bearer.json()).toEqual({ email: 'gareth@camelot.bt' });
      const cookieLogin = await fetch(`${d.base}/auth/cookie/login`, form(credentials));
      const cookie = (cookieLogin.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
      const viaCookie = await fetch(`${d.base}/whoami`, { headers: { cookie } });
      expect(await viaCookie.json()).toEqual({ email: 'gareth@camelot.bt' });
    });

    test('plain-http PUBLIC_URL: the auth cookie is not Secure, and stderr says so', async () => {
      await fetch(
        `${d.base}/auth/register`,
        json({ email: 'dagonet@camelot.bt', password: 'fool-of-camelot' }),
      );
      const login = await fetch(
        `${d.base}/auth/cookie/login`,
        form({ username: 'dagonet@camelot.bt', password: 'fool-of-camelot' }),
      );
      expect(login.headers.getSetCookie()[0]).not.toMatch(/Secure/);
      expect(d.stderr()).toMatch(/Secure/);
      expect(d.stderr()).not.toMatch(/demo-test-secret/);
    });
  });

  secondFactorCases(framework, demo);

  describe(`the ${framework} demo starting and stopping`, () => {
    let secure: RunningDemo;
    beforeAll(async () => {
      secure = await startDemo(appDir, { PUBLIC_URL: 'https://auth.camelot.bt', SECRET: '' });
    }, SPAWN_TIMEOUT);
    afterAll(async () => {
      await secure.stop('SIGKILL');
    });

    test('https PUBLIC_URL makes the auth cookie Secure; no SECRET warns on stderr', async () => {
      await fetch(
        `${secure.base}/auth/register`,
        json({ email: 'lancelot@camelot.bt', password: 'guinevere' }),
      );
      const login = await fetch(
        `${secure.base}/auth/cookie/login`,
        form({ username: 'lancelot@camelot.bt', password: 'guinevere' }),
      );
      expect(login.headers.getSetCookie()[0]).toMatch(/; Secure$/);
      expect(secure.stderr()).toMatch(/SECRET is not set/);
    });

    test('SIGTERM lets an in-flight request finish, then exits 0', SPAWNS, async () => {
      await fetch(
        `${secure.base}/auth/register`,
        json({ email: 'bedivere@camelot.bt', password: 'excalibur' }),
      );
      // The login is in flight for sure: the server has answered `100 Continue` to its headers
      // and waits for the body, which is only sent once the demo says it is shutting down.
      const body = new URLSearchParams({ username: 'bedivere@camelot.bt', password: 'excalibur' });
      const login = httpRequest(`${secure.base}/auth/jwt/login`, {
        method: 'POST',
        headers: {
          expect: '100-continue',
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body.toString()),
        },
      });
      const answer = new Promise<{ status?: number; text: string }>((resolve, reject) => {
        login.once('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.once('end', () => resolve({ status: res.statusCode, text }));
        });
        login.once('error', reject);
      });
      login.flushHeaders();
      await once(login, 'continue');
      const code = secure.stop('SIGTERM');
      while (!secure.stdout().includes('Shutting down')) await delay(20);
      login.end(body.toString());
      const response = await answer;
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toMatchObject({ token_type: 'bearer' });
      expect(await code).toBe(0);
    });

    test('SIGTERM exits within 10 s with slow clients connected', SPAWNS, async () => {
      const slow = await startDemo(appDir);
      const clients = [
        // A body trickling into a Portcullis route, and into one of the app's own routes.
        trickle(
          slow.base,
          'POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Length: 9999\r\n\r\n',
        ),
        trickle(slow.base, 'POST /whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 9999\r\n\r\n'),
        // Headers that never end, and a keep-alive connection left idle after an answer.
        trickle(slow.base, 'GET /users/me HTTP/1.1\r\nHost: x\r\nX-Slow: '),
        trickle(slow.base, 'GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n'),
      ];
      await delay(1000);
      const code = slow.stop('SIGTERM');
      const outcome = await Promise.race([code, delay(10_000).then(() => 'still running')]);
      for (const client of clients) client.stop();
      if (outcome === 'still running') await slow.stop('SIGKILL');
      expect(outcome).toBe(0);
    });

    test(
      'refuses to start with one clear line for a malformed or unusable DATABASE_URL',
      SPAWNS,
      async () => {
        // A folder that cannot be created: its parent is a regular file.
        const file = join(mkdtempSync(join(tmpdir(), 'portcullis-')), 'not-a-folder');
        writeFileSync(file, '');
        const urls = ['nonsense', 'sqlite:', `sqlite:${file}/app.db`, 'postgres//missing'];
        const results = await Promise.all(
          urls.map((url) => startExpectingFailure(appDir, { DATABASE_URL: url })),
        );
        for (const [i, result] of results.entries()) {
          expect(result.code, urls[i]).toBe(1);
          expect(result.stderr, urls[i]).toMatch(/^error: DATABASE_URL/m);
          expect(result.stderr, urls[i]).not.toMatch(/\n\s+at /);
        }
      },
    );

    test('refuses a SECRET shorter than 32 bytes with one clear line', SPAWNS, async () => {
      const result = await startExpectingFailure(appDir, { SECRET: 'too-short' });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: SECRET must be at least 32 bytes \(got 9\)$/m);
      expect(result.stderr).not.toContain('too-short');
    });
  });
}
