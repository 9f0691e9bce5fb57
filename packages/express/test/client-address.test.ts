import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
  type ThrottledEvent,
  type TrustProxy,
  type UserStore,
} from '@portcullis/core';
import { portcullis } from '@portcullis/express';
import { serveNode } from '@portcullis/testing';
import express from 'express';
import { afterEach, describe, expect, test } from 'vitest';

const secret = 'express-adapter-test-secret-0123456789';

const servers: { close(): Promise<void> }[] = [];

/** A user store whose every method fails the test: the budget is checked before any is called. */
const unreachableUsers = new Proxy({} as UserStore, {
  get: (_target, key) =>
    key === 'then'
      ? undefined
      : () => {
          throw new Error(`UserStore.${String(key)} was called`);
        },
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * An app whose per-address budget is one request a minute: the second request from the same
 * client address answers 429, and `onThrottled` tells which address core decided on.
 */
async function app(expressTrust: unknown, trustProxy?: TrustProxy) {
  const throttled: ThrottledEvent[] = [];
  const auth = createPortcullis({
    userManager: {
      users: unreachableUsers,
      resetPasswordToken: { secret },
      verificationToken: { secret },
      hooks: { onThrottled: (event) => void throttled.push(event) },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret, lifetimeSeconds: 60 }),
      }),
    ],
    rateLimit: { perAddressPerMinute: 1 },
    ...(trustProxy === undefined ? {} : { trustProxy }),
  });
  const server = express();
  if (expressTrust !== undefined) server.set('trust proxy', expressTrust);
  server.use(portcullis({ portcullis: auth, routes: [['/auth', auth.registerRouter()]] }));
  const served = await serveNode(server);
  servers.push(served);
  /** Two requests with this X-Forwarded-For; resolves the address of the second one's 429. */
  const addressOf = async (forwardedFor: string): Promise<string | null> => {
    const send = () =>
      fetch(`${served.url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: '{}',
      });
    expect((await send()).status).toBe(422);
    expect((await send()).status).toBe(429);
    return throttled.at(-1)?.address ?? null;
  };
  return { addressOf };
}

describe("the client's address on Express", () => {
  test('is the socket peer when neither Express nor Portcullis trusts a proxy', async () => {
    const { addressOf } = await app(undefined);
    expect(await addressOf('203.0.113.5')).toBe('127.0.0.1');
  });

  test("follows the app's own `trust proxy` when Portcullis has no trustProxy", async () => {
    const { addressOf } = await app('loopback');
    expect(await addressOf('203.0.113.5')).toBe('203.0.113.5');
    expect(await addressOf('203.0.113.6')).toBe('203.0.113.6');
  });

  test("is core's alone when Portcullis has trustProxy: the chain is never walked twice", async () => {
    // Express trusting everything would take the leftmost entry, which the client wrote.
    const { addressOf } = await app(true, 'loopback');
    expect(await addressOf('192.0.2.66, 198.51.100.7')).toBe('198.51.100.7');
  });
});
