import { toRequestInit } from '@portcullis/testing';
import { describe, expect, test } from 'vitest';
import { createAuthBackend } from '../src/auth/backend';
import { createBearerTransport } from '../src/auth/bearer-transport';
import { createCookieTransport } from '../src/auth/cookie-transport';
import { createDatabaseStrategy } from '../src/auth/database-strategy';
import { resolveUser } from '../src/auth/guard';
import { createJwtStrategy } from '../src/auth/jwt-strategy';
import type { CredentialHeaders } from '../src/auth/transport';
import { ErrorCode, PortcullisError } from '../src/errors';
import type { Logger } from '../src/logger';
import { createPortcullis } from '../src/portcullis';
import type { AccessTokenStore, UserStore } from '../src/types';
import { fastHasher, SECRET } from './app';
import { createMemoryAccessTokenStore, createMemoryUserStore } from './memory-store';

const PASSWORD = 'a-secret-password';

interface Line {
  level: 'error' | 'warn' | 'info';
  fields: Record<string, unknown>;
  message: string | undefined;
}

function captureLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: Line['level']) =>
    (fields: object, message?: string): void => {
      lines.push({ level, fields: fields as Record<string, unknown>, message });
    };
  return { lines, error: at('error'), warn: at('warn'), info: at('info') };
}

/** Every method of `store` throws SERVICE_UNAVAILABLE while `down.value` is true. */
function switchable<T extends object>(store: T, down: { value: boolean }): T {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'parseId') return value;
      return (...args: unknown[]) => {
        if (down.value) {
          throw new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, 'connect ECONNREFUSED');
        }
        return value.apply(target, args);
      };
    },
  });
}

function setup(logger: Logger) {
  const down = { value: false };
  const tokens = switchable<AccessTokenStore>(createMemoryAccessTokenStore(), down);
  const users = switchable<UserStore>(createMemoryUserStore(), down);
  const portcullis = createPortcullis({
    userManager: {
      users,
      passwordHasher: fastHasher(),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      hooks: {
        onAfterRegister(user) {
          if (user.email.startsWith('boom')) throw new Error('hook failed');
        },
      },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieMaxAge: 3600 }),
        strategy: createDatabaseStrategy({ store: tokens, lifetimeSeconds: 3600 }),
      }),
    ],
    logger,
  });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth', portcullis.registerRouter()],
    ['/users', portcullis.usersRouter()],
  ]);
  const request = (method: string, path: string, init?: Parameters<typeof toRequestInit>[1]) =>
    handler.fetch(new Request(`http://app.test${path}`, toRequestInit(method, init)), {
      remoteAddress: '192.0.2.1',
    });
  return { portcullis, request, down };
}

describe('the logger option', () => {
  test('hears of every outage a route answers 503 for, with the path and never the query', async () => {
    const logger = captureLogger();
    const { request, down } = setup(logger);
    await request('POST', '/auth/register', {
      json: { email: 'kay@camelot.bt', password: PASSWORD },
    });
    down.value = true;
    const login = await request('POST', '/auth/jwt/login?probe=1', {
      form: { username: 'kay@camelot.bt', password: PASSWORD },
    });
    expect(login.status).toBe(503);
    expect(login.headers.get('retry-after')).toBe('5');
    expect(logger.lines).toHaveLength(1);
    const [line] = logger.lines;
    expect(line?.level).toBe('error');
    expect(line?.fields).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      method: 'POST',
      path: '/auth/jwt/login',
    });
    expect(line?.fields.err).toMatchObject({ message: 'connect ECONNREFUSED' });
    expect(JSON.stringify(line)).not.toContain(PASSWORD);
  });

  test("hears of an outage behind a guard (the adapters' requireUser), without the token", async () => {
    const logger = captureLogger();
    const { portcullis, down } = setup(logger);
    const guard = portcullis.currentUser({ active: true });
    down.value = true;
    const cookie = 'fastapiusersauth=some-opaque-session-token';
    const outcome = await resolveUser(guard, { authorization: null, cookie });
    expect(outcome).toMatchObject({ ok: false, response: { status: 503 } });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.fields).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(JSON.stringify(logger.lines)).not.toContain('some-opaque-session-token');
  });

  test('hears of an outage once when the guard is called itself, and not for a guard of the app', async () => {
    const logger = captureLogger();
    const { portcullis, down } = setup(logger);
    const guard = portcullis.currentUser({ active: true });
    down.value = true;
    const headers = { authorization: null, cookie: 'fastapiusersauth=some-opaque-session-token' };
    await expect(guard(headers)).rejects.toMatchObject({ status: 503 });
    expect(logger.lines).toHaveLength(1);
    // A guard of the app's own wrapping core's (so without core's outcome function) gets the
    // same answer from resolveUser; the outage is heard once more, through the guard it wraps.
    const own = Object.assign((h: CredentialHeaders) => guard(h), { options: guard.options });
    const outcome = await resolveUser(own, headers);
    expect(outcome).toMatchObject({ ok: false, response: { status: 503 } });
    expect(logger.lines).toHaveLength(2);
    down.value = false;
    expect(await resolveUser(own, headers)).toMatchObject({ ok: false, response: { status: 401 } });
  });

  test('hears of an unexpected error the Fetch handler answers 500 for', async () => {
    const logger = captureLogger();
    const { request } = setup(logger);
    const response = await request('POST', '/auth/register', {
      json: { email: 'boom@camelot.bt', password: PASSWORD },
    });
    expect(response.status).toBe(500);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.fields).toMatchObject({ method: 'POST', path: '/auth/register' });
    expect(logger.lines[0]?.fields.err).toMatchObject({ message: 'hook failed' });
    expect(JSON.stringify(logger.lines)).not.toContain(PASSWORD);
  });

  test('hears nothing of ordinary client errors', async () => {
    const logger = captureLogger();
    const { request } = setup(logger);
    const statuses = [
      (await request('POST', '/auth/register', { body: '{"email":' })).status,
      (await request('GET', '/users/me')).status,
      (await request('PUT', '/users/me')).status,
      (await request('POST', '/auth/jwt/login', { form: { username: 'x', password: 'y' } })).status,
    ];
    expect(statuses).toEqual([422, 401, 405, 400]);
    expect(logger.lines).toEqual([]);
  });

  test('a logger that throws does not change the answer', async () => {
    const broken: Logger = {
      error: () => {
        throw new Error('log sink is full');
      },
      warn: () => undefined,
      info: () => undefined,
    };
    const { request, down } = setup(broken);
    down.value = true;
    const register = await request('POST', '/auth/register', {
      json: { email: 'kay@camelot.bt', password: PASSWORD },
    });
    expect(register.status).toBe(503);
  });
});
