import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
  defineUserFields,
} from '@portcullis/core';
import { buildOpenApi } from '@portcullis/core/openapi';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { PortcullisDatabase } from '../src/index';
import { createSqlUserStore, migrateToLatest, openSqlDatabase, planMigrations } from '../src/index';
import { createTestDatabase, DIALECTS, type TestDatabase } from './databases';

const SECRET = 'fields-secret-fields-secret-fields-secret';
const userFields = defineUserFields({
  nickname: z.string().max(50).nullable().default(null),
  karma: z.number().int().min(0).default(0),
  newsletter: z.boolean().default(false),
});

function createApp(db: Kysely<PortcullisDatabase>) {
  const portcullis = createPortcullis({
    userManager: {
      users: createSqlUserStore(db, { userFields }),
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
      }),
    ],
    userFields,
  });
  // The user type comes from the one declaration, through the store and createPortcullis.
  expectTypeOf(portcullis.serialize).parameter(0).toHaveProperty('karma').toEqualTypeOf<number>();
  expectTypeOf(portcullis.serialize)
    .parameter(0)
    .toHaveProperty('nickname')
    .toEqualTypeOf<string | null>();
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth', portcullis.registerRouter()],
    ['/users', portcullis.usersRouter()],
  ]);
  const send = (method: string, path: string, body?: unknown, token?: string) =>
    handler.fetch(
      new Request(`http://fields.test${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  const login = async (email: string, password: string): Promise<string> => {
    const response = await handler.fetch(
      new Request('http://fields.test/auth/jwt/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: email, password }).toString(),
      }),
    );
    return ((await response.json()) as { access_token: string }).access_token;
  };
  return { portcullis, handler, send, login };
}

for (const dialect of DIALECTS) {
  describe(`custom user fields on ${dialect}`, () => {
    let database: TestDatabase;
    let db: Kysely<PortcullisDatabase>;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      db = database.open();
    });
    afterAll(() => database.drop());

    it('adds the declared columns to an existing user table; old rows get defaults', async () => {
      await migrateToLatest(db);
      const before = await createSqlUserStore(db).create({
        email: 'old@camelot.bt',
        hashed_password: 'h',
      });
      expect(await migrateToLatest(db, { userFields })).toEqual([]);
      const after = await createSqlUserStore(db, { userFields }).get(before.id);
      expect(after).toMatchObject({ nickname: null, karma: 0, newsletter: false });
      expect((await planMigrations(db, { userFields })).statements).toEqual([]);
    });

    it('registers, reads and patches custom fields over HTTP, typed as declared', async () => {
      const { send, login } = createApp(db);
      const email = `kay.${dialect}@camelot.bt`;
      const created = await send('POST', '/auth/register', {
        email,
        password: 'seneschal',
        nickname: 'Sir Kay',
        is_superuser: true,
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({
        email,
        nickname: 'Sir Kay',
        karma: 0,
        newsletter: false,
        is_superuser: false,
      });
      const token = await login(email, 'seneschal');
      const patched = await send('PATCH', '/users/me', { karma: 5, newsletter: true }, token);
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({
        nickname: 'Sir Kay',
        karma: 5,
        newsletter: true,
      });
      const me = await send('GET', '/users/me', undefined, token);
      expect(await me.json()).toMatchObject({ nickname: 'Sir Kay', karma: 5, newsletter: true });
      const invalid = await send('PATCH', '/users/me', { karma: -1 }, token);
      expect(invalid.status).toBe(422);
    });
  });
}

describe('custom user fields in the OpenAPI document', () => {
  it('appear in the read, create and update schemas', async () => {
    const db = openSqlDatabase('sqlite::memory:');
    const { portcullis, handler } = createApp(db);
    await db.destroy();
    const document = buildOpenApi(handler.routes, portcullis.backends);
    const schemas = document.components.schemas as Record<string, { properties?: object }>;
    for (const name of ['UserRead', 'UserCreate', 'UserUpdate']) {
      expect(Object.keys(schemas[name]?.properties ?? {}), name).toEqual(
        expect.arrayContaining(['nickname', 'karma', 'newsletter']),
      );
    }
  });
});
