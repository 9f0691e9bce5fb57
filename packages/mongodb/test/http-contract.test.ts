import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  InvalidPasswordError,
} from '@portcullis/core';
import { handleNodeRequest } from '@portcullis/core/node';
import { httpContractSuite } from '@portcullis/testing';
import { createMongoAccessTokenStore, createMongoUserStore, ensureIndexes } from '../src/index';
import { MemoryDb } from './memory-db';

const SECRET = 'mongodb-http-contract-secret-0123456789';

/** The demo's layout (see docs/demo.md) on the MongoDB stores, served over HTTP on port 0. */
async function startApp() {
  const db = new MemoryDb().asDb();
  await ensureIndexes(db, { accessTokenLifetimeSeconds: 3600 });
  const users = createMongoUserStore(db);
  const mail: { kind: 'verify' | 'reset'; email: string; token: string }[] = [];
  const portcullis = createPortcullis({
    // The contract suite sends far more than a minute's per-address budget from one address.
    rateLimit: false,
    userManager: {
      users,
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      validatePassword(password, user) {
        if (password.length < 8)
          throw new InvalidPasswordError('Password should be at least 8 characters');
        if (typeof user.email === 'string' && password.includes(user.email))
          throw new InvalidPasswordError('Password should not contain e-mail');
      },
      hooks: {
        onAfterRequestVerify: (user, token) => {
          mail.push({ kind: 'verify', email: user.email, token });
        },
        onAfterForgotPassword: (user, token) => {
          mail.push({ kind: 'reset', email: user.email, token });
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
        strategy: createDatabaseStrategy({
          store: createMongoAccessTokenStore(db),
          lifetimeSeconds: 3600,
        }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/auth', portcullis.registerRouter()],
    ['/auth', portcullis.resetPasswordRouter()],
    ['/auth', portcullis.verifyRouter()],
    ['/users', portcullis.usersRouter()],
  ]);
  const server = createServer(async (req, res) => {
    if (!(await handleNodeRequest(handler, req, res))) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async lastToken(kind: 'verify' | 'reset', email: string) {
      const found = mail.filter((m) => m.kind === kind && m.email === email).pop();
      if (!found) throw new Error(`no ${kind} mail for ${email}`);
      return found.token;
    },
    async createUser(user: {
      email: string;
      password: string;
      superuser?: boolean;
      verified?: boolean;
      inactive?: boolean;
    }) {
      const created = await portcullis.userManager.create({
        email: user.email,
        password: user.password,
        is_superuser: user.superuser ?? false,
        is_verified: user.verified ?? false,
        is_active: !user.inactive,
      });
      return { id: String(created.id) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// The FastAPI Users HTTP contract with the MongoDB stores (in-memory collection) behind it: statuses
// and detail codes, duplicate emails as REGISTER_USER_ALREADY_EXISTS and
// UPDATE_USER_EMAIL_ALREADY_EXISTS, junk ids as 404.
httpContractSuite({ name: 'MongoDB stores (in-memory collection)', target: startApp });
