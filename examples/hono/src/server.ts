// `pnpm --dir examples/hono start`: the Hono example on Node, through @hono/node-server.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { serve } from '@hono/node-server';
import { createExample } from './app';

const port = Number(process.env.PORT ?? 8000);
const hostname = process.env.HOST ?? '127.0.0.1';
const databasePath = process.env.DATABASE_PATH ?? './data/app.db';
let secret = process.env.SECRET;
if (!secret) {
  secret = 'development-secret-change-me-0123456789';
  process.stderr.write('warning: SECRET is not set; using a development secret\n');
}
if (databasePath !== ':memory:') mkdirSync(dirname(databasePath), { recursive: true });

const { app, close } = await createExample({
  databasePath,
  secret,
  // A stand-in for a mailer: the token goes to the terminal of whoever runs the example.
  sendMail: (kind, email, token) => process.stdout.write(`${kind} mail to ${email}: ${token}\n`),
});
const server = serve({ fetch: app.fetch, hostname, port }, (info) => {
  process.stdout.write(`Portcullis + Hono listening on http://${hostname}:${info.port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => void close());
  });
}
