import type { User } from '@portcullis/core';

/** Core's user, under a name the `Express` namespace below does not shadow. */
type PortcullisUser = User;

declare global {
  namespace Express {
    /**
     * The user `requireUser()` resolved. An interface, so an app can add its own fields by
     * augmenting it; declared as Passport's typings declare it, so both can be installed.
     */
    interface User extends PortcullisUser {}

    interface Request {
      /** Set by `requireUser()`: the current user, or undefined for an optional guard. */
      user?: User | undefined;
    }
  }
}
