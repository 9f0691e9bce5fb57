import type { User } from '@portcullis/core';
import type { RouteGenericInterface } from 'fastify';

declare const portcullisUser: unique symbol;

/**
 * The route generic `requireUser()` hands Fastify: nothing at run time (the key is a type-only
 * symbol), the user's type for `request.user`. Fastify infers a route's generic from its
 * `preHandler`, so the handler after a guard sees the app's user type with no
 * `declare module` in the app.
 */
export interface UserRoute<U> extends RouteGenericInterface {
  readonly [portcullisUser]?: { readonly user: U };
}

/** The type of `request.user` for a route generic: the guard's user, or core's `User`. */
export type RequestUser<RouteGeneric> = RouteGeneric extends {
  readonly [portcullisUser]?: { readonly user: infer U };
}
  ? unknown extends U
    ? User | undefined
    : U
  : User | undefined;

declare module 'fastify' {
  interface FastifyRequest<
    RouteGeneric,
    RawServer,
    RawRequest,
    SchemaCompiler,
    TypeProvider,
    ContextConfig,
    Logger,
    RequestType,
  > {
    /**
     * Set by `requireUser()`: the current user, typed as the app's user on the routes it
     * guards; undefined when an optional guard found no user.
     */
    user: RequestUser<RouteGeneric>;
  }
}
