import { createHmac } from 'node:crypto';
import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createMemoryMfaStore,
  createMemoryPasskeyStore,
  createPasswordHasher,
  createPortcullis,
  type OpenApiDocument,
  type PasskeyEvent,
  type PasskeyStore,
} from '@portcullis/core';
import { buildOpenApi } from '@portcullis/core/openapi';
import {
  createSqlAccessTokenStore,
  createSqlUserStore,
  migrateToLatest,
  openSqlite,
} from '@portcullis/sql';
import { type HttpSuiteServer, serveFetch } from '@portcullis/testing';
import { createPasskeys } from '../src/index';

export const ORIGIN = 'http://localhost:8000';
const SECRET = 'passkey-tests-secret-0123456789abcdef';

export interface PasskeyTestApp {
  server: HttpSuiteServer;
  /** The app's OpenAPI document. */
  openapi: OpenApiDocument;
  events: { kind: 'added' | 'removed'; event: PasskeyEvent }[];
  /** Registers a user and logs in on the jwt backend: the bearer token. */
  signUp(email: string): Promise<string>;
  post(
    path: string,
    init?: { token?: string; cookie?: string | null; json?: unknown },
  ): Promise<Response>;
  get(path: string, token: string): Promise<Response>;
  del(path: string, token: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The demo's layout over SQLite in memory: `/auth/jwt` and `/auth/cookie` with their passkey
 * routes, `/auth/passkey` and `/users/me/passkeys`.
 */
export async function startPasskeyApp(
  store: PasskeyStore = createMemoryPasskeyStore(),
  options: { perAddressPerMinute?: number } = {},
): Promise<PasskeyTestApp> {
  const db = openSqlite(':memory:');
  await migrateToLatest(db);
  const events: PasskeyTestApp['events'] = [];
  const portcullis = createPortcullis({
    userManager: {
      users: createSqlUserStore(db),
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      hooks: {
        onPasskeyAdded: (event) => {
          events.push({ kind: 'added', event });
        },
        onPasskeyRemoved: (event) => {
          events.push({ kind: 'removed', event });
        },
      },
    },
    rateLimit:
      options.perAddressPerMinute === undefined
        ? false
        : { perAddressPerMinute: options.perAddressPerMinute },
    mfa: { store: createMemoryMfaStore(), encryptionKey: `${SECRET}-mfa-key` },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieSecure: false }),
        strategy: createDatabaseStrategy({ store: createSqlAccessTokenStore(db) }),
      }),
    ],
  });
  const passkeys = createPasskeys({ origin: ORIGIN, store });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/jwt', portcullis.passkeyLoginRouter(passkeys, 'jwt')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/auth/cookie', portcullis.passkeyLoginRouter(passkeys, 'cookie')],
    ['/auth', portcullis.registerRouter()],
    ['/auth/mfa', portcullis.mfaRouter()],
    ['/auth/passkey', portcullis.passkeyRegisterRouter(passkeys)],
    ['/users', portcullis.userPasskeysRouter(passkeys)],
    ['/users', portcullis.usersRouter()],
  ]);
  const server = await serveFetch((request, connection) => handler.fetch(request, connection));
  const headers = (token?: string, cookie?: string | null): Record<string, string> => ({
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(cookie ? { cookie } : {}),
  });
  const post: PasskeyTestApp['post'] = (path, init = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        ...headers(init.token, init.cookie),
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  return {
    server,
    openapi: buildOpenApi(handler.routes, portcullis.backends, { title: 't', version: '0' }),
    events,
    post,
    get: (path, token) => fetch(`${server.url}${path}`, { headers: headers(token) }),
    del: (path, token) =>
      fetch(`${server.url}${path}`, { method: 'DELETE', headers: headers(token) }),
    async signUp(email) {
      const password = 'correct horse battery staple';
      const created = await post('/auth/register', { json: { email, password } });
      if (created.status !== 201) throw new Error(`register: ${created.status}`);
      const login = await fetch(`${server.url}/auth/jwt/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: email, password }),
      });
      return ((await login.json()) as { access_token: string }).access_token;
    },
    async close() {
      await server.close();
      await db.destroy();
    },
  };
}

/** The `name=value` of the challenge cookie a response set, ready for a `Cookie` header. */
export function challengeCookie(response: Response): string {
  const cookie = response.headers
    .getSetCookie()
    .find((value) => value.startsWith('portcullis_passkey='));
  if (!cookie) throw new Error('no challenge cookie');
  return cookie.split(';')[0] ?? '';
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret, now. */
export function totpNow(secret: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/=+$/, ''))
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)?.map((byte) => Number.parseInt(byte, 2)) ?? []);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}
