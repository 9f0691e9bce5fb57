import { parseArgs } from 'node:util';
import { createPortcullis, ErrorCode, isPortcullisError } from '@portcullis/core';
import { emailField } from '@portcullis/core/fields';
import { openDatabase } from './database';
import { validatePassword } from './policy';
import { readSettings } from './settings';

const USAGE = 'usage: create-user --email E --password P [--superuser] [--verified] [--inactive]';

/**
 * `create-user`: creates a user in the store DATABASE_URL names and prints it exactly as
 * `GET /users/{id}` would. Returns the exit code; messages go to stderr.
 */
export async function runCreateUser(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let values: {
    email?: string;
    password?: string;
    superuser?: boolean;
    verified?: boolean;
    inactive?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        superuser: { type: 'boolean', default: false },
        verified: { type: 'boolean', default: false },
        inactive: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!values.email || values.password === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const email = emailField.safeParse(values.email);
  if (!email.success) {
    process.stderr.write(`invalid email: ${email.error.issues[0]?.message ?? 'invalid'}\n`);
    return 1;
  }
  const settings = readSettings(env, () => undefined);
  const db = await openDatabase(settings.databaseUrl);
  try {
    const portcullis = createPortcullis({
      userManager: {
        users: db.users,
        resetPasswordToken: { secret: settings.secret },
        verificationToken: { secret: settings.secret },
        validatePassword,
      },
      backends: [],
    });
    const user = await portcullis.userManager.create({
      email: email.data,
      password: values.password,
      is_superuser: values.superuser,
      is_verified: values.verified,
      is_active: !values.inactive,
    });
    process.stdout.write(`${JSON.stringify(portcullis.serialize(user))}\n`);
    return 0;
  } catch (error) {
    if (isPortcullisError(error) && error.code === ErrorCode.USER_ALREADY_EXISTS) {
      process.stderr.write('a user with this email already exists\n');
      return 1;
    }
    if (isPortcullisError(error) && error.code === ErrorCode.INVALID_PASSWORD) {
      process.stderr.write(`invalid password: ${String(error.reason)}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

/**
 * The `create-user` entry point every demo shares: runs `runCreateUser` on this process's
 * arguments and env, and exits with its code.
 */
export function createUserCli(): void {
  runCreateUser(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
