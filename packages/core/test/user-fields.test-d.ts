import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
  defineUserFields,
  guardRequest,
  type UserOf,
  type UserStore,
} from '@portcullis/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const userFields = defineUserFields({
  first_name: z.string().max(100).nullable().default(null),
  karma: z.number().int().default(0),
});
type AppUser = UserOf<typeof userFields>;
declare const users: UserStore<AppUser>;
const secret = 'a-test-secret-that-is-long-enough-for-hs256';
// Declared apart from createPortcullis, so typed for core's User: it still fits.
const jwt = createAuthBackend({
  name: 'jwt',
  transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
  strategy: createJwtStrategy({ secret, lifetimeSeconds: 3600 }),
});

describe('the user type follows the one declaration', () => {
  it('types each custom field as its schema output', () => {
    expectTypeOf<AppUser['first_name']>().toEqualTypeOf<string | null>();
    expectTypeOf<AppUser['karma']>().toEqualTypeOf<number>();
    expectTypeOf<AppUser['email']>().toEqualTypeOf<string>();
  });

  it('infers the user of createPortcullis, its hooks and its guards', async () => {
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
      backends: [jwt],
    });
    expectTypeOf(auth.userManager.users).toEqualTypeOf<UserStore<AppUser>>();
    const result = await auth.currentUser()({ authorization: null });
    if (result.ok && result.user) expectTypeOf(result.user.karma).toEqualTypeOf<number>();
  });

  it('types the user of guardRequest, undefined when an optional guard found none', async () => {
    const auth = createPortcullis({
      userFields,
      userManager: { users, resetPasswordToken: { secret }, verificationToken: { secret } },
      backends: [jwt],
    });
    const outcome = await guardRequest(
      auth.currentUser({ optional: true }),
      new Request('http://x/'),
    );
    if (outcome.ok) expectTypeOf(outcome.user).toEqualTypeOf<AppUser | undefined>();
  });

  it('refuses a field the declaration lacks', () => {
    // @ts-expect-error: `nickname` is not declared
    expectTypeOf<AppUser['nickname']>().toBeUnknown();
  });
});
