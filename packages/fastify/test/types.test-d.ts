// Type tests: the app declares its fields once and gets them typed in hooks and on `request.user`,
// with no `declare global` and no cast. Checked by `tsc` (the typecheck task) and vitest.
import {
  type CurrentUserOptions,
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
  defineUserFields,
  type User,
  type UserOf,
  type UserStore,
} from '@portcullis/core';
import Fastify from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { requireUser } from '../src/index';

const userFields = defineUserFields({ first_name: z.string().max(100).nullable().default(null) });
declare const users: UserStore<UserOf<typeof userFields>>;
const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const auth = createPortcullis({
  userFields,
  userManager: {
    users,
    resetPasswordToken: { secret },
    verificationToken: { secret },
    hooks: {
      onAfterRegister(user) {
        expectTypeOf(user.first_name).toEqualTypeOf<string | null>();
      },
    },
  },
  backends: [
    createAuthBackend({
      name: 'jwt',
      transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
      strategy: createJwtStrategy({ secret, lifetimeSeconds: 3600 }),
    }),
  ],
});

describe('request.user on Fastify', () => {
  const app = Fastify();

  it('is the app user after a guard, with the custom field typed', () => {
    app.get('/me', { preHandler: requireUser(auth, { active: true }) }, async (request) => {
      expectTypeOf(request.user.first_name).toEqualTypeOf<string | null>();
      expectTypeOf(request.user.email).toEqualTypeOf<string>();
      return { name: request.user.first_name };
    });
  });

  it('may be undefined after an optional guard', () => {
    app.get('/hello', { preHandler: requireUser(auth, { optional: true }) }, async (request) => {
      expectTypeOf(request.user).toEqualTypeOf<UserOf<typeof userFields> | undefined>();
      return { name: request.user?.first_name ?? 'stranger' };
    });
  });

  it('may be undefined when the options are not known to be required', () => {
    const options: CurrentUserOptions = { active: true };
    app.get('/maybe', { preHandler: requireUser(auth, options) }, async (request) => {
      expectTypeOf(request.user).toEqualTypeOf<UserOf<typeof userFields> | undefined>();
      return null;
    });
  });

  it('is core’s User or undefined where no guard ran', () => {
    app.get('/open', async (request) => {
      expectTypeOf(request.user).toEqualTypeOf<User | undefined>();
      return null;
    });
  });
});
