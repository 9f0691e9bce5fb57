// Type tests: the app declares its fields once and gets them typed in hooks and on `ctx.state.user`,
// with no `declare global` and no cast. Checked by `tsc` (the typecheck task) and vitest.

import Router from '@koa/router';
import {
  type CurrentUserOptions,
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
  defineUserFields,
  type UserOf,
  type UserStore,
} from '@portcullis/core';
import Koa from 'koa';
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

describe('ctx.state.user on Koa', () => {
  it('is the app user after a guard, with the custom field typed', () => {
    const router = new Router();
    router.get('/me', requireUser(auth, { active: true }), (ctx) => {
      expectTypeOf(ctx.state.user.first_name).toEqualTypeOf<string | null>();
      expectTypeOf(ctx.state.user.email).toEqualTypeOf<string>();
      ctx.body = { name: ctx.state.user.first_name };
    });
  });

  it('may be undefined after an optional guard', () => {
    const router = new Router();
    router.get('/hello', requireUser(auth, { optional: true }), (ctx) => {
      expectTypeOf(ctx.state.user).toEqualTypeOf<UserOf<typeof userFields> | undefined>();
      ctx.body = { name: ctx.state.user?.first_name ?? 'stranger' };
    });
  });

  it('may be undefined when the options are not known to be required', () => {
    const options: CurrentUserOptions = { active: true };
    const router = new Router();
    router.get('/maybe', requireUser(auth, options), (ctx) => {
      expectTypeOf(ctx.state.user).toEqualTypeOf<UserOf<typeof userFields> | undefined>();
    });
  });

  it('reaches the middleware after an app-wide guard', () => {
    const app = new Koa().use(requireUser(auth));
    app.use((ctx) => {
      expectTypeOf(ctx.state.user.first_name).toEqualTypeOf<string | null>();
    });
  });
});
