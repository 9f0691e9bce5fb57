import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPasswordHasher,
  createPortcullis,
} from '@portcullis/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortcullisDatabase } from '../src/index';
import { createSqlUserStore, migrateToLatest } from '../src/index';
import { createTestDatabase, type TestDatabase } from './databases';

const SECRET = 'races-secret-races-secret-races-secret';
const PASSWORD = 'round-table';

function createApp(db: Kysely<PortcullisDatabase>) {
  const mail = { verifyTokens: [] as string[], verified: 0 };
  const portcullis = createPortcullis({
    userManager: {
      users: createSqlUserStore(db),
      passwordHasher: createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      hooks: {
        onAfterRequestVerify: (_user, token) => void mail.verifyTokens.push(token),
        onAfterVerify: () => {
          mail.verified += 1;
        },
      },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
      }),
    ],
  });
  const handler = portcullis.handler([
    ['/auth', portcullis.registerRouter()],
    ['/auth', portcullis.verifyRouter()],
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/users', portcullis.usersRouter()],
  ]);
  const json = (method: string, path: string, body: unknown, token?: string) =>
    handler.fetch(
      new Request(`http://races.test${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }),
    );
  const login = async (email: string): Promise<string> => {
    const response = await handler.fetch(
      new Request('http://races.test/auth/jwt/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: email, password: PASSWORD }).toString(),
      }),
    );
    return ((await response.json()) as { access_token: string }).access_token;
  };
  return { json, login, mail };
}

async function details(responses: Response[]): Promise<unknown[]> {
  return Promise.all(
    responses.filter((r) => r.status !== 200 && r.status !== 201).map(async (r) => r.json()),
  );
}

// The manager checks for a taken email before writing; two requests can both pass that check.
// The database's unique index settles it, and the loser must get the 400, never a 500.
for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`email races over HTTP on ${dialect}`, () => {
    let database: TestDatabase;
    let app: ReturnType<typeof createApp>;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      const db = database.open({ poolSize: 6 });
      await migrateToLatest(db);
      app = createApp(db);
    });
    afterAll(() => database.drop());

    it('lets one of concurrent case-variant registrations win; the rest get 400', async () => {
      const variants = ['race@camelot.bt', 'RACE@camelot.bt', 'Race@camelot.bt', 'rAcE@camelot.bt'];
      const responses = await Promise.all(
        variants.map((email) => app.json('POST', '/auth/register', { email, password: PASSWORD })),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, 400, 400, 400]);
      expect(await details(responses)).toEqual(
        Array(3).fill({ detail: 'REGISTER_USER_ALREADY_EXISTS' }),
      );
    });

    it('lets one of concurrent email changes to one address win; the rest get 400', async () => {
      const people = ['bors', 'lionel', 'ector', 'kay'];
      const tokens: string[] = [];
      for (const name of people) {
        const email = `${name}@camelot.bt`;
        expect(
          (await app.json('POST', '/auth/register', { email, password: PASSWORD })).status,
        ).toBe(201);
        tokens.push(await app.login(email));
      }
      const responses = await Promise.all(
        tokens.map((token, i) =>
          app.json(
            'PATCH',
            '/users/me',
            { email: i % 2 ? 'GRAIL@camelot.bt' : 'grail@camelot.bt' },
            token,
          ),
        ),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
      expect(await details(responses)).toEqual(
        Array(3).fill({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' }),
      );
    });

    // Verify tokens are not stored: the write is a compare-and-set on is_verified, so the
    // database lets one of the concurrent uses through and the rest see a verified user.
    it('lets one of 20 concurrent verifies with one token win; the rest get 400', async () => {
      const email = 'percival@camelot.bt';
      expect((await app.json('POST', '/auth/register', { email, password: PASSWORD })).status).toBe(
        201,
      );
      expect((await app.json('POST', '/auth/request-verify-token', { email })).status).toBe(202);
      const token = app.mail.verifyTokens.at(-1);
      expect(token).toBeDefined();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => app.json('POST', '/auth/verify', { token })),
      );
      expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
      expect(await details(responses)).toEqual(
        Array(19).fill({ detail: 'VERIFY_USER_ALREADY_VERIFIED' }),
      );
      expect(app.mail.verified).toBe(1);
    });
  });
}
