/**
 * The README's quick start (Fastify + SQLite), as an app would ship it: compiled to plain
 * JavaScript (`bench/dist/quickstart/server.js`, made by runner/quickstart.ts) and started with
 * `node`, no TypeScript loader. The bench times spawn → "listening on" and reads its idle RSS.
 * Differs from the README only in where the address and the database file come from.
 */
import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
} from '@portcullis/core';
import { portcullis, requireUser } from '@portcullis/fastify';
import { createSqlUserStore, migrateToLatest, openSqlite } from '@portcullis/sql';
import Fastify from 'fastify';

const secret = process.env.SECRET ?? '';
const db = openSqlite(process.env.DATABASE_PATH ?? './data/app.db');
await migrateToLatest(db);

const auth = createPortcullis({
  userManager: {
    users: createSqlUserStore(db),
    resetPasswordToken: { secret },
    verificationToken: { secret },
  },
  backends: [
    createAuthBackend({
      name: 'jwt',
      transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
      strategy: createJwtStrategy({ secret, lifetimeSeconds: 3600 }),
    }),
  ],
});

const app = Fastify();
await app.register(portcullis, {
  portcullis: auth,
  routes: [
    ['/auth/jwt', auth.authRouter('jwt')],
    ['/auth', auth.registerRouter()],
    ['/users', auth.usersRouter()],
  ],
});
app.get('/private', { preHandler: requireUser(auth, { active: true }) }, (req) => ({
  hello: req.user?.email,
}));
const address = await app.listen({
  port: Number(process.env.PORT ?? 8000),
  host: process.env.HOST ?? '127.0.0.1',
});
process.stdout.write(`listening on ${address}\n`);
