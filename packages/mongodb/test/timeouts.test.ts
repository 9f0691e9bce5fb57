import { ErrorCode } from '@portcullis/core';
import type { Db } from 'mongodb';
import { describe, expect, test } from 'vitest';
import {
  createMongoAccessTokenStore,
  createMongoRevocationStore,
  createMongoSessionStore,
  createMongoUserStore,
} from '../src/index';

/** A database that accepted the connection and then stopped answering: no call ever settles. */
const silentDb = {
  collection: () =>
    new Proxy({}, { get: () => () => new Promise<never>(() => undefined) }) as unknown,
} as unknown as Db;

const unavailable = (ms: number) =>
  expect.objectContaining({
    code: ErrorCode.SERVICE_UNAVAILABLE,
    status: 503,
    message: `MongoDB did not answer within ${ms} ms`,
  });

describe('store calls are bounded by operationTimeoutMs', () => {
  test('users, access tokens and revocations give SERVICE_UNAVAILABLE past the bound', async () => {
    const options = { operationTimeoutMs: 25 };
    const users = createMongoUserStore(silentDb, options);
    const tokens = createMongoAccessTokenStore(silentDb, options);
    const revocations = createMongoRevocationStore(silentDb, options);
    await expect(users.getByEmail('kay@camelot.bt')).rejects.toEqual(unavailable(25));
    await expect(users.create({ email: 'kay@camelot.bt', hashed_password: 'x' })).rejects.toEqual(
      unavailable(25),
    );
    await expect(tokens.getByToken('token')).rejects.toEqual(unavailable(25));
    await expect(revocations.isRevoked('jti')).rejects.toEqual(unavailable(25));
    const sessions = createMongoSessionStore(silentDb, options);
    await expect(sessions.getByTokenKey('ab'.repeat(32))).rejects.toEqual(unavailable(25));
    await expect(sessions.advanceRefresh('sid', 0, new Date())).rejects.toEqual(unavailable(25));
  });

  test.each([
    [-5, 'must be a positive number (got -5)'],
    [0, 'must be a positive number (got 0)'],
    ['5000', 'must be a positive number (got a string)'],
    [3e9, 'must be at most 2147483647 (got 3000000000)'],
  ])(
    'refuses operationTimeoutMs %j at creation, naming the function and the option',
    (value, message) => {
      const operationTimeoutMs = value as number;
      for (const [name, create] of [
        ['createMongoUserStore', () => createMongoUserStore(silentDb, { operationTimeoutMs })],
        [
          'createMongoAccessTokenStore',
          () => createMongoAccessTokenStore(silentDb, { operationTimeoutMs }),
        ],
        [
          'createMongoSessionStore',
          () => createMongoSessionStore(silentDb, { operationTimeoutMs }),
        ],
        [
          'createMongoRevocationStore',
          () => createMongoRevocationStore(silentDb, { operationTimeoutMs }),
        ],
      ] as const) {
        expect(create).toThrowError(`${name}: operationTimeoutMs ${message}`);
      }
    },
  );
});
