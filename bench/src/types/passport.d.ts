// The slice of passport 0.7 the bench uses. @types/passport is not a dependency of the bench
// (only @types/passport-jwt is), so this declares what `express-app.ts` calls.
declare module 'passport' {
  import type { RequestHandler } from 'express';
  import type { Strategy } from 'passport-strategy';

  interface Authenticator {
    use(strategy: Strategy): this;
    initialize(): RequestHandler;
    authenticate(strategy: string, options: { session: boolean }): RequestHandler;
  }
  const passport: Authenticator;
  export default passport;
}
