/**
 * The PostgreSQL peers' data, in the run's schema beside Portcullis' tables: express-session's
 * table and a session made by a real passport-local login, and Auth.js's tables with the same
 * 1 000 users and a database session for the bench user.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import PostgresAdapter from '@auth/pg-adapter';
import { sql } from 'kysely';
import { PASSWORD } from './config';
import { AUTHJS_COOKIE, AUTHJS_TABLES_SQL, authjsPool } from './servers/authjs-app';
import { expressSessionApp, SESSION_TABLE_SQL } from './servers/express-session-app';
import { postgresDb } from './servers/stores';

async function execute(url: string, schema: string, statements: readonly string[]): Promise<void> {
  const db = postgresDb(url, schema);
  try {
    for (const statement of statements) await sql.raw(statement).execute(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Creates express-session's table and logs the bench user in through passport-local, over
 * HTTP, as a browser would; returns the session cookie (`connect.sid=…`).
 */
export async function prepareExpressSession(
  url: string,
  schema: string,
  email: string,
): Promise<string> {
  await execute(url, schema, SESSION_TABLE_SQL);
  const { app, close } = expressSessionApp(url, schema);
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: email, password: PASSWORD }),
    });
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .find((pair) => pair?.startsWith('connect.sid='));
    if (response.status !== 204 || !cookie) {
      throw new Error(`express-session login answered ${response.status} without a session`);
    }
    return cookie;
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await close();
  }
}

/**
 * Creates Auth.js's tables with `users` users (the bench user at `benchIndex`) and a database
 * session for the bench user through the adapter; returns the session cookie.
 */
export async function prepareAuthjs(
  url: string,
  schema: string,
  users: number,
  benchIndex: number,
  email: string,
): Promise<string> {
  await execute(url, schema, [
    ...AUTHJS_TABLES_SQL,
    `insert into users (name, email, "emailVerified")
       select 'User ' || i, case when i = ${benchIndex} then '${email}' else 'user.' || i || '@example.com' end, now()
       from generate_series(0, ${users - 1}) as i`,
  ]);
  const pool = authjsPool(url, schema);
  try {
    const adapter = PostgresAdapter(pool);
    const user = await adapter.getUserByEmail?.(email);
    if (!user || !adapter.createSession) throw new Error('Auth.js adapter: no bench user');
    const sessionToken = randomBytes(32).toString('hex');
    await adapter.createSession({
      sessionToken,
      userId: user.id,
      expires: new Date(Date.now() + 86_400_000),
    });
    return `${AUTHJS_COOKIE}=${sessionToken}`;
  } finally {
    await pool.end();
  }
}
