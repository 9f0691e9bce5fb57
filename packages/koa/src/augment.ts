import type { User } from '@portcullis/core';

declare module 'koa' {
  interface DefaultState {
    /** Set by `requireUser()`: the current user, or undefined for an optional guard. */
    user?: User | undefined;
  }
}
