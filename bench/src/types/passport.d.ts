// The slice of passport 0.7, passport-local 1.0 and connect-pg-simple 10 the bench uses.
// @types/passport is not a dependency of the bench (only @types/passport-jwt is), so this
// declares what `express-app.ts` and `express-session-app.ts` call.
declare module 'passport' {
  import type { RequestHandler } from 'express';
  import type { Strategy } from 'passport-strategy';

  type Done<T> = (error: unknown, value?: T | false) => void;

  interface Authenticator {
    use(strategy: Strategy): this;
    initialize(): RequestHandler;
    session(): RequestHandler;
    authenticate(strategy: string, options?: { session?: boolean }): RequestHandler;
    serializeUser<U>(serialize: (user: U, done: Done<string>) => void): void;
    deserializeUser<U>(deserialize: (id: string, done: Done<U>) => void): void;
  }
  interface PassportStatic extends Authenticator {
    /** A fresh authenticator, so two apps in one process never share strategies. */
    Passport: new () => Authenticator;
  }
  const passport: PassportStatic;
  export default passport;
}

declare module 'passport-local' {
  import type { Strategy as PassportStrategy } from 'passport-strategy';

  export class Strategy extends PassportStrategy {
    constructor(
      verify: (
        username: string,
        password: string,
        done: (error: unknown, user?: unknown) => void,
      ) => void,
    );
  }
}

declare module 'connect-pg-simple' {
  import type session from 'express-session';
  import type { Pool } from 'pg';

  interface PgStoreOptions {
    pool: Pool;
    schemaName?: string;
    tableName?: string;
    disableTouch?: boolean;
    pruneSessionInterval?: false | number;
  }
  export default function connectPgSimple(
    express: typeof session,
  ): new (
    options: PgStoreOptions,
  ) => session.Store;
}
