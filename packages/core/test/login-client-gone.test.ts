import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAuthBackend } from '../src/auth/backend';
import { createBearerTransport } from '../src/auth/bearer-transport';
import { createJwtStrategy } from '../src/auth/jwt-strategy';
import { ErrorCode, isPortcullisError } from '../src/errors';
import type { Logger } from '../src/logger';
import { handleNodeRequest } from '../src/node/route-request';
import { createPasswordHasher, type HashCallOptions, type PasswordHasher } from '../src/password';
import { createPortcullis } from '../src/portcullis';
import { SECRET } from './app';
import { createMemoryUserStore } from './memory-store';

const EMAIL = 'gone@example.com';
const PASSWORD = 'a-secret-password';

/**
 * The real hasher, one hash at a time, costly enough (64 MiB, 6 passes: about 140 ms here) that
 * logins sent meanwhile wait their turn; every call's outcome is recorded.
 */
function recordingHasher(): PasswordHasher & { outcomes: string[]; verifyCalls: () => number } {
  const real = createPasswordHasher({ memoryCost: 65_536, timeCost: 6, maxConcurrent: 1 });
  const outcomes: string[] = [];
  let verifyCalls = 0;
  const record = async <T>(work: Promise<T>): Promise<T> => {
    try {
      const value = await work;
      outcomes.push('done');
      return value;
    } catch (error) {
      outcomes.push(
        isPortcullisError(error) && error.code === ErrorCode.CLIENT_CLOSED_REQUEST
          ? 'dropped'
          : 'failed',
      );
      throw error;
    }
  };
  return {
    outcomes,
    verifyCalls: () => verifyCalls,
    hash: (password: string, options?: HashCallOptions) => record(real.hash(password, options)),
    verify: (password: string, hash: string, options?: HashCallOptions) => {
      verifyCalls++;
      return record(real.verify(password, hash, options));
    },
    needsRehash: (hash) => real.needsRehash(hash),
    generate: () => real.generate(),
  };
}

const hasher = recordingHasher();
const logged: string[] = [];
const failedLogins: string[] = [];
const logger: Logger = {
  error: (_fields, message) => logged.push(`error ${message}`),
  warn: (_fields, message) => logged.push(`warn ${message}`),
  info: () => undefined,
};
const portcullis = createPortcullis({
  userManager: {
    users: createMemoryUserStore(),
    passwordHasher: hasher,
    resetPasswordToken: { secret: SECRET },
    verificationToken: { secret: SECRET },
    hooks: { onLoginFailed: (event) => void failedLogins.push(event.reason) },
  },
  backends: [
    createAuthBackend({
      name: 'jwt',
      transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
      strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
    }),
  ],
  logger,
  // Every attempt counts when it begins, dropped ones too: room for this test's eight.
  rateLimit: { failuresBeforeDelay: 20 },
});
const handler = portcullis.handler([
  ['/auth/jwt', portcullis.authRouter('jwt')],
  ['/auth', portcullis.registerRouter()],
]);
const server = createServer(async (req, res) => {
  if (!(await handleNodeRequest(handler, req, res))) res.writeHead(404).end();
});
let base = '';

const form = (password: string) => new URLSearchParams({ username: EMAIL, password }).toString();

function login(password = PASSWORD): Promise<Response> {
  return fetch(`${base}/auth/jwt/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form(password),
  });
}

/** Sends a whole login on a raw connection and leaves it open; the caller closes it unread. */
function loginToLeave(port: number): Promise<Socket> {
  const body = form(PASSWORD);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST /auth/jwt/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const registered = await fetch(`${base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  expect(registered.status).toBe(201);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('a login whose client went away while its hash waited', () => {
  test('is dropped before hashing; the logins still connected are checked', async () => {
    hasher.outcomes.length = 0;
    const calls = hasher.verifyCalls();
    const port = (server.address() as AddressInfo).port;
    // The first login holds the only hash slot (its verification has begun, nothing before it);
    // four more arrive and wait their turn, then their clients leave. Each step waits for the
    // server, not for a timer, so a busy machine cannot reorder them.
    const first = login();
    await until(() => hasher.verifyCalls() === calls + 1);
    const leaving = await Promise.all([1, 2, 3, 4].map(() => loginToLeave(port)));
    await until(() => hasher.verifyCalls() === calls + 5);
    for (const socket of leaving) socket.destroy();
    const stayed = login('a-wrong-password');
    expect((await first).status).toBe(200);
    expect((await stayed).status).toBe(400);
    await until(() => hasher.outcomes.length === 6);
    // Dropped in their turn, without a hash: the first and the last ran.
    expect(hasher.outcomes.filter((outcome) => outcome === 'dropped')).toHaveLength(4);
    expect(hasher.outcomes.filter((outcome) => outcome === 'done')).toHaveLength(2);
    // A dropped login is not a failed one (the password was never checked), and not an error.
    expect(failedLogins).toEqual(['bad_credentials']);
    expect(logged).toEqual([]);
    // The slot was handed on: the next login is checked at once.
    expect((await login()).status).toBe(200);
  });
});
