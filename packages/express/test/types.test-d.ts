// Type tests: the app declares its fields once and gets them typed in hooks and on `req.user`,
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
import express from 'express';
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

describe('req.user on Express', () => {
  it('is the app user after a guard, with the custom field typed', () => {
    const app = express();
    app.get('/me', requireUser(auth, { active: true }), (req, res) => {
      expectTypeOf(req.user.first_name).toEqualTypeOf<string | null>();
      expectTypeOf(req.user.email).toEqualTypeOf<string>();
      res.json({ name: req.user.first_name });
    });
  });

  it('may be undefined after an optional guard', () => {
    const app = express();
    app.get('/hello', requireUser(auth, { optional: true }), (req, res) => {
      expectTypeOf(req.user).toEqualTypeOf<UserOf<typeof userFields> | undefined>();
      res.json({ name: req.user?.first_name ?? 'stranger' });
    });
  });

  it('may be undefined when the options are not known to be required', () => {
    const options: CurrentUserOptions = { active: true };
    const app = express();
    app.get('/maybe', requireUser(auth, options), (req, res) => {
      expectTypeOf(req.user).toEqualTypeOf<UserOf<typeof userFields> | undefined>();
      res.end();
    });
  });

  it('is core’s User or undefined where no guard ran', () => {
    const app = express();
    app.get('/open', (req, res) => {
      expectTypeOf(req.user).toEqualTypeOf<User | undefined>();
      res.end();
    });
  });
});
