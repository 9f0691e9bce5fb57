import { type BetterAuthOptions, betterAuth } from 'better-auth';
import { fromNodeHeaders } from 'better-auth/node';
import Database from 'better-sqlite3';
import { type Fixture, SECRET } from '../config';
import { type Check, withClose } from './checks';

/** The better-auth options the fixture and the servers share (its tables in their own file). */
export function betterAuthOptions(
  path: string,
): BetterAuthOptions & { database: Database.Database } {
  return {
    database: new Database(path),
    secret: SECRET,
    baseURL: 'http://127.0.0.1',
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    logger: { disabled: true },
  };
}

/** better-auth's documented session check: `auth.api.getSession({ headers })`. */
export function betterAuthCheck(fixture: Fixture): Check {
  const options = betterAuthOptions(fixture.betterAuthPath);
  const auth = betterAuth(options);
  return withClose(
    async (headers) => {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(headers) });
      if (!session) return null;
      const { user } = session;
      return {
        id: user.id,
        email: user.email,
        is_active: true,
        is_superuser: false,
        is_verified: user.emailVerified,
      };
    },
    async () => {
      options.database.close();
    },
  );
}
