import {
  createAuthBackend,
  createBearerTransport,
  createCookieTransport,
  createDatabaseStrategy,
  createJwtStrategy,
  createPortcullis,
  ErrorCode,
} from '@portcullis/core';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase, SqlDialectName } from '../src/index';
import {
  createSqlAccessTokenStore,
  createSqlSessionStore,
  createSqlUserStore,
  migrateToLatest,
} from '../src/index';
import { readColumns } from '../src/internal/introspect';
import {
  createTestDatabase,
  DIALECTS,
  ownTableNames,
  shippedMigrations,
  shippedMigrator,
  type TestDatabase,
} from './databases';
import {
  ARGON2_HASH,
  ARGON2_PASSWORD,
  ARGON2_USER,
  BCRYPT_HASH,
  BCRYPT_PASSWORD,
  BCRYPT_USER,
  createFastApiUsersTables,
  insertFastApiUsersRows,
  UPSTREAM_OAUTH,
  UPSTREAM_TOKEN,
} from './fastapi-users';

const SECRET = 'compat-secret-compat-secret-compat-secret';

/** Runs the shipped migrations up to `name` only, as an older release of this package would. */
async function migrateTo(
  db: Kysely<PortcullisDatabase>,
  dialect: SqlDialectName,
  name: string,
): Promise<void> {
  const { error } = await (await shippedMigrator(db, dialect)).migrateTo(name);
  expect(error).toBeUndefined();
}

function app(db: Kysely<PortcullisDatabase>) {
  const users = createSqlUserStore(db, { withOAuthAccounts: true });
  const accessTokens = createSqlAccessTokenStore(db);
  const portcullis = createPortcullis({
    userManager: {
      users,
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
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
        strategy: createDatabaseStrategy({ store: accessTokens, lifetimeSeconds: 3600 }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/users', portcullis.usersRouter()],
  ]);
  const request = (path: string, init: RequestInit = {}): Promise<Response> =>
    handler.fetch(new Request(`http://compat.test${path}`, init));
  const login = (username: string, password: string): Promise<Response> =>
    request('/auth/jwt/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });
  return { users, accessTokens, request, login };
}

async function storedHash(db: Kysely<PortcullisDatabase>, id: string): Promise<string> {
  const row = await db
    .selectFrom('user')
    .select('hashed_password')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.hashed_password;
}

for (const dialect of DIALECTS) {
  describe(`a FastAPI Users database on ${dialect}`, () => {
    let database: TestDatabase;
    let db: Kysely<PortcullisDatabase>;
    const createdAt = new Date(Date.now() - 60_000);
    const longToken = `eyJ${'x'.repeat(4000)}`;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      db = database.open();
      await createFastApiUsersTables(db, dialect);
      await insertFastApiUsersRows(db, dialect, createdAt);
    });
    afterAll(() => database.drop());

    it('is adopted by the migrations up to 0003: tables kept, not duplicated', async () => {
      await migrateTo(db, dialect, '0003_create_accesstoken');
      const names = (await ownTableNames(db, dialect)).filter((n) => !n.startsWith('portcullis_'));
      expect(names.sort()).toEqual(['accesstoken', 'oauth_account', 'user']);
      const count = await db.selectFrom('user').select(db.fn.countAll().as('n')).executeTakeFirst();
      expect(Number(count?.n)).toBe(2);
      // Case-insensitive uniqueness is in force from 0001 on.
      await expect(
        createSqlUserStore(db).create({
          email: ARGON2_USER.email.toLowerCase(),
          hashed_password: 'h',
        }),
      ).rejects.toMatchObject({ code: ErrorCode.USER_ALREADY_EXISTS });
    });

    it('upgrades from 0003 to 0004, which widens token columns and keeps every row', async () => {
      const users = createSqlUserStore(db, { withOAuthAccounts: true });
      const owner = await users.get(BCRYPT_USER.id);
      if (owner === null) throw new Error('missing user');
      const link = { oauth_name: 'microsoft', expires_at: null, account_email: 'g@x.io' };
      const data = { ...link, access_token: longToken, refresh_token: null, account_id: 'ms-1' };
      if (dialect !== 'sqlite') {
        // Upstream's VARCHAR(1024) (see docs/contract/behaviour.md#sql-tables); SQLite does not enforce lengths.
        await expect(users.addOAuthAccount(owner, data)).rejects.toThrow();
      }
      const all = await shippedMigrations();
      expect(await migrateToLatest(db)).toEqual(
        all.slice(all.indexOf('0004_adopt_existing_tables')),
      );
      if (dialect !== 'sqlite') {
        const accounts = await readColumns(
          db as unknown as Kysely<unknown>,
          dialect,
          'oauth_account',
        );
        expect(accounts?.get('access_token')?.dataType).toBe('text');
        expect(accounts?.get('refresh_token')?.dataType).toBe('text');
        const tokens = await readColumns(db, dialect, 'accesstoken');
        expect(tokens?.get('token')?.maxLength).toBe(255);
      }
      if (dialect === 'mysql') {
        const columns = await readColumns(db, dialect, 'user');
        expect(columns?.get('email')?.collation).toBe('utf8mb4_uca1400_nopad_as_ci');
        expect(columns?.get('hashed_password')?.collation).toBe('utf8mb4_bin');
      }
      const linked = await users.addOAuthAccount(owner, data);
      const stored = (linked.oauth_accounts as { access_token: string }[])[0];
      expect(stored?.access_token).toBe(longToken);
      const adopted = await users.getByOAuthAccount(
        UPSTREAM_OAUTH.oauth_name,
        UPSTREAM_OAUTH.account_id,
      );
      expect(adopted?.id).toBe(ARGON2_USER.id);
      expect(await migrateToLatest(db)).toEqual([]);
    });

    it('logs in a user whose argon2id (m=64 MiB, t=3, p=4) hash FastAPI Users wrote', async () => {
      const { login, request } = app(db);
      const response = await login(ARGON2_USER.email.toUpperCase(), ARGON2_PASSWORD);
      expect(response.status).toBe(200);
      const { access_token } = (await response.json()) as { access_token: string };
      const me = await request('/users/me', {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({
        id: ARGON2_USER.id,
        email: ARGON2_USER.email,
        is_superuser: true,
        is_verified: true,
      });
      // Stronger than the default cost: never downgraded.
      expect(await storedHash(db, ARGON2_USER.id)).toBe(ARGON2_HASH);
      expect((await login(ARGON2_USER.email, 'wrong-password')).status).toBe(400);
    });

    it('logs in a bcrypt user and upgrades the stored hash to argon2id', async () => {
      const { login } = app(db);
      expect((await login(BCRYPT_USER.email, BCRYPT_PASSWORD)).status).toBe(200);
      const upgraded = await storedHash(db, BCRYPT_USER.id);
      expect(upgraded).not.toBe(BCRYPT_HASH);
      expect(upgraded.startsWith('$argon2id$')).toBe(true);
      expect((await login(BCRYPT_USER.email, BCRYPT_PASSWORD)).status).toBe(200);
    });

    it('accepts a database-strategy token FastAPI Users issued, within its lifetime', async () => {
      const { request, accessTokens } = app(db);
      const record = await accessTokens.getByToken(
        UPSTREAM_TOKEN,
        new Date(Date.now() - 3_600_000),
      );
      expect(record?.user_id).toBe(ARGON2_USER.id);
      // MySQL's TIMESTAMP keeps whole seconds.
      expect(Math.abs((record?.created_at.getTime() ?? 0) - createdAt.getTime())).toBeLessThan(
        1000,
      );
      expect(await accessTokens.getByToken(UPSTREAM_TOKEN, new Date(Date.now()))).toBeNull();
      // MySQL's default collation matched tokens in any case until 0004 made the column binary.
      expect(await accessTokens.getByToken(UPSTREAM_TOKEN.toLowerCase())).toBeNull();
      const me = await request('/users/me', {
        headers: { cookie: `fastapiusersauth=${UPSTREAM_TOKEN}` },
      });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { id: string }).id).toBe(ARGON2_USER.id);
    });

    it('adopts FastAPI Users tokens as sessions and ends them for both apps (plain storage)', async () => {
      const sessions = createSqlSessionStore(db, { adoptedBackend: 'cookie' });
      const hourAgo = new Date(Date.now() - 3_600_000);
      const adopted = await sessions.getByTokenKey(UPSTREAM_TOKEN, hourAgo);
      expect(adopted).toMatchObject({
        user_id: ARGON2_USER.id,
        backend: 'cookie',
        token_key: UPSTREAM_TOKEN,
        expires_at: null,
        user_agent: null,
        ip: null,
        mfa: false,
        refresh_generation: null,
      });
      // A derived id: public, stable across instances, and nothing of the token in it.
      const id = adopted?.id ?? '';
      expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(UPSTREAM_TOKEN.includes(id.slice(0, 8))).toBe(false);
      expect((await createSqlSessionStore(db).get(id))?.token_key).toBe(UPSTREAM_TOKEN);
      expect(adopted?.auth_time.getTime()).toBe(adopted?.created_at.getTime());

      // FastAPI Users keeps inserting its three columns after 0008_sessions.
      const upstreamLater = 'fXk2Lr9qWm0sVb7nTy4cZ1aE6dG3hJ8uP5oI2eR7wQ0';
      const now = new Date();
      await sql`INSERT INTO accesstoken (token, created_at, user_id)
        VALUES (${upstreamLater}, ${dialect === 'postgres' ? now : now.toISOString().replace('T', ' ').replace('Z', '')}, ${ARGON2_USER.id})`.execute(
        db,
      );
      const listed = await sessions.listForUser(ARGON2_USER.id);
      expect(listed.map((s) => s.token_key)).toEqual([upstreamLater, UPSTREAM_TOKEN]);

      // FastAPI Users finds a token by equality: what it would do with ours and after a delete.
      const upstreamFinds = async (token: string): Promise<boolean> => {
        const result = await sql<{
          user_id: string;
        }>`SELECT user_id FROM accesstoken WHERE token = ${token}`.execute(db);
        return result.rows.length === 1;
      };
      const ours = await sessions.create({
        id: 'portcullis-session-1',
        user_id: ARGON2_USER.id,
        backend: 'cookie',
        expires_at: null,
        user_agent: 'curl/8.5.0',
        ip: '198.51.100.4',
        auth_time: now,
        mfa: false,
        token_key: 'pLaInToKeN-portcullis-issued-0123456789abcdef',
        refresh_generation: null,
      });
      expect(await upstreamFinds(ours.token_key as string)).toBe(true);
      const later = listed[0]?.id ?? '';
      expect(await sessions.delete(later)).toBe(true);
      expect(await upstreamFinds(upstreamLater)).toBe(false);
      // FastAPI Users' logout is a DELETE by token: the session is gone here too.
      await sql`DELETE FROM accesstoken WHERE token = ${ours.token_key}`.execute(db);
      expect(await sessions.get(ours.id)).toBeNull();
      expect(await sessions.listForUser(ARGON2_USER.id)).toEqual([adopted]);
    });

    it('deletes an adopted user with its tokens and OAuth accounts', async () => {
      const { users, accessTokens } = app(db);
      const user = await users.get(ARGON2_USER.id);
      if (user === null) throw new Error('missing user');
      await users.delete(user);
      expect(await accessTokens.getByToken(UPSTREAM_TOKEN)).toBeNull();
      expect(
        await users.getByOAuthAccount(UPSTREAM_OAUTH.oauth_name, UPSTREAM_OAUTH.account_id),
      ).toBeNull();
    });
  });
}
