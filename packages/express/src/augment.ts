import type { User } from '@portcullis/core';

declare const portcullisUser: unique symbol;

/**
 * What `requireUser()` adds to a route's `res.locals` type: nothing at run time (the key is a
 * type-only symbol), the user's type for `req.user`. Express infers a route's locals type from
 * its first handler, so the handlers after a guard see the app's user type with no
 * `declare global` in the app.
 */
export interface UserLocals<U> {
  readonly [portcullisUser]?: { readonly user: U };
}

/** The type of `req.user` for a route's locals: the guard's user, or core's `User`. */
export type RequestUser<Locals> = Locals extends {
  readonly [portcullisUser]?: { readonly user: infer U };
}
  ? unknown extends U
    ? User | undefined
    : U
  : User | undefined;

declare module 'express-serve-static-core' {
  // biome-ignore lint/suspicious/noExplicitAny: the constraint must repeat Express's own
  interface Request<P, ResBody, ReqBody, ReqQuery, LocalsObj extends Record<string, any>> {
    /**
     * Set by `requireUser()`: the current user, typed as the app's user on the routes it
     * guards; undefined when an optional guard found no user.
     */
    user: RequestUser<LocalsObj>;
  }
}
