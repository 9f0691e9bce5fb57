import { mkdirSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createDemo, type Demo } from '../demo';
import type { DemoServer } from '../run-server';
import { type DemoSettings, readSettings } from '../settings';

interface Line {
  level: 'error' | 'warn' | 'info';
  fields: Record<string, unknown>;
  message: string | undefined;
}

const PASSWORD = 'excalibur-forever';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A client that sends part of a request, then resets the connection (a phone losing signal). */
async function abandon(port: number, bytes: string): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(bytes);
  await pause(100);
  socket.resetAndDestroy();
  // Long enough for the server to notice and give up on the request.
  await pause(300);
}

/** Sends raw bytes, then collects what the server sends until it ends the connection. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.end(bytes);
  });
}

/**
 * What each demo logs, in-process on a fresh SQLite file: an error the app's code throws is a
 * 500 and one log line (never the password), an outage is a 503 with `Retry-After` and one
 * line, and ordinary bad input (malformed JSON, broken chunked framing, CONNECT, an unknown
 * method) logs nothing, on every framework.
 *
 * @param listen starts the framework's demo app as `pnpm start` would (port 0)
 */
export function demoLoggingSuite(
  framework: string,
  listen: (demo: Demo, settings: Pick<DemoSettings, 'host' | 'port'>) => Promise<DemoServer>,
): void {
  describe(`the ${framework} demo's log`, () => {
    const lines: Line[] = [];
    const at =
      (level: Line['level']) =>
      (fields: object, message?: string): void => {
        lines.push({ level, fields: fields as Record<string, unknown>, message });
      };
    const logger: Logger = { error: at('error'), warn: at('warn'), info: at('info') };
    let demo: Demo;
    let server: DemoServer;
    let base: string;
    let outbox: string;

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'portcullis-demo-log-'));
      outbox = join(dir, 'outbox');
      const settings = readSettings(
        {
          DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
          SECRET: 'demo-log-secret-demo-log-secret-0123',
          OUTBOX: outbox,
          PORT: '0',
        },
        () => undefined,
      );
      demo = await createDemo(settings, logger);
      server = await listen(demo, { host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${server.port}`;
    });
    afterAll(async () => {
      server?.closeConnections();
      await server?.close();
      await demo?.close().catch(() => undefined);
    });

    test('ordinary bad input logs nothing, and the framework prints nothing either', async () => {
      // Koa's default error listener prints client errors with console.error.
      const printed = vi.spyOn(console, 'error');
      const json = { 'content-type': 'application/json' };
      await fetch(`${base}/auth/register`, { method: 'POST', headers: json, body: '{"email":' });
      await fetch(`${base}/users/me`, { headers: { authorization: 'Bearer nope' } });
      await fetch(`${base}/nowhere`, { method: 'POST', headers: json, body: '[[[' });
      const raw = [
        'POST /auth/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\nzz\r\n',
        'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n',
        'FOO / HTTP/1.1\r\nHost: x\r\n\r\n',
        'POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"email":',
      ];
      const answers = await Promise.all(raw.map((bytes) => exchange(server.port, bytes)));
      expect(answers.map((answer) => answer.slice(0, 12))).toEqual([
        'HTTP/1.1 400',
        'HTTP/1.1 405',
        'HTTP/1.1 400',
        'HTTP/1.1 400',
      ]);
      await abandon(
        server.port,
        'POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"e',
      );
      await abandon(
        server.port,
        'POST /auth/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"e\r\n',
      );
      expect(lines).toEqual([]);
      expect(printed).not.toHaveBeenCalled();
      printed.mockRestore();
    });

    test('an error thrown by the app is a 500 and one log line, without the password', async () => {
      const email = 'gawain@camelot.bt';
      const register = await fetch(`${base}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      expect(register.status).toBe(201);
      // The mailer cannot write its OUTBOX: the forgot-password hook throws.
      mkdirSync(outbox, { recursive: true });
      const forgot = await fetch(`${base}/auth/forgot-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
      expect(forgot.status).toBe(500);
      expect(await forgot.json()).toEqual({ detail: 'Internal Server Error' });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 'error',
        fields: { method: 'POST', path: '/auth/forgot-password' },
      });
      expect(lines[0]?.fields.err).toMatchObject({ code: 'EISDIR' });
      expect(JSON.stringify(lines)).not.toContain(PASSWORD);
    });

    test('a store outage is a 503 with Retry-After, logged by the limiter and the route', async () => {
      lines.length = 0;
      await demo.close();
      const login = await fetch(`${base}/auth/jwt/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'gawain@camelot.bt', password: PASSWORD }),
      });
      expect(login.status).toBe(503);
      expect(login.headers.get('retry-after')).toBe('5');
      // Two lines: the login throttle's counters live in the same database, so the limiter
      // reports that it fails open, then the route reports its 503.
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({
        level: 'error',
        fields: { err: { code: 'SERVICE_UNAVAILABLE' }, operation: 'hit' },
      });
      expect(lines[1]).toMatchObject({
        level: 'error',
        fields: { code: 'SERVICE_UNAVAILABLE', method: 'POST', path: '/auth/jwt/login' },
      });
      expect(JSON.stringify(lines)).not.toContain(PASSWORD);
    });
  });
}
