import { ErrorCode, isPortcullisError, PortcullisError } from '@portcullis/core';
import { withDeadline } from '@portcullis/core/adapter';

// Driver errors that mean "no answer from the server" (mongodb 6/7 error classes).
const UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoClientClosedError',
  'MongoServerClosedError',
  'MongoOperationTimeoutError',
]);
// Server codes for "not now": shutdown, elections, unreachable hosts
// (https://www.mongodb.com/docs/manual/reference/error-codes/).
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);
const DUPLICATE_KEY_CODES = new Set([11000, 11001]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  keyPattern?: unknown;
}

/** True for a unique-index violation (E11000). */
export function isDuplicateKey(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    DUPLICATE_KEY_CODES.has((error as ErrorShape).code as number)
  );
}

/** True when the duplicate key is the email (our index or any index on `email`). */
function isEmailDuplicate(error: ErrorShape, emailIndex: string): boolean {
  const pattern = error.keyPattern;
  if (typeof pattern === 'object' && pattern !== null) return 'email' in pattern;
  const message = typeof error.message === 'string' ? error.message : '';
  return message.includes(`index: ${emailIndex} `) || /index: email_/.test(message);
}

/**
 * A driver error as the stores report it: a duplicate email is USER_ALREADY_EXISTS (the routes
 * answer REGISTER_USER_ALREADY_EXISTS / UPDATE_USER_EMAIL_ALREADY_EXISTS, 400), an unreachable
 * server SERVICE_UNAVAILABLE (503); the driver error stays as `cause` (its message holds the
 * email, so ours does not). Anything else is returned as is.
 */
export function toMongoError(error: unknown, context: { emailIndex?: string } = {}): unknown {
  if (isPortcullisError(error) || typeof error !== 'object' || error === null) return error;
  const shape = error as ErrorShape;
  if (
    isDuplicateKey(error) &&
    context.emailIndex !== undefined &&
    isEmailDuplicate(shape, context.emailIndex)
  ) {
    return new PortcullisError(
      ErrorCode.USER_ALREADY_EXISTS,
      'A user with this email already exists',
      { cause: error },
    );
  }
  const unavailable =
    (typeof shape.name === 'string' && UNAVAILABLE_NAMES.has(shape.name)) ||
    (typeof shape.code === 'number' && UNAVAILABLE_CODES.has(shape.code));
  if (unavailable) {
    return new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, 'MongoDB is unavailable', {
      cause: error,
    });
  }
  return error;
}

/** Runs a driver call with the error mapping above. */
export async function guard<T>(
  work: () => Promise<T>,
  context: { emailIndex?: string } = {},
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toMongoError(error, context);
  }
}

/** `guard` with a time bound, as the stores call it. */
export type BoundedGuard = <T>(
  work: () => Promise<T>,
  context?: { emailIndex?: string },
) => Promise<T>;

/**
 * `guard`, bounded: a call that gets no answer within `timeoutMs` fails with
 * SERVICE_UNAVAILABLE (503), whatever the client's own timeouts (the driver waits forever on
 * a connection that stopped answering unless `socketTimeoutMS` is set).
 */
export function boundedGuard(timeoutMs: number): BoundedGuard {
  return (work, context = {}) => guard(() => withDeadline(work(), timeoutMs, 'MongoDB'), context);
}
