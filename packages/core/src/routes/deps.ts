import type { CurrentUserOptions } from '../auth/authenticator';
import type { AuthenticationBackend } from '../auth/backend';
import { ErrorCode, isPortcullisError, PortcullisError } from '../errors';
import type { UserManager } from '../manager';
import type { UserSchemas } from '../schemas';
import type { User } from '../types';

/** What every router factory is built from; resolved once by `createPortcullis`. */
export interface RouteDeps<U extends User = User> {
  readonly manager: UserManager<U>;
  readonly backends: readonly AuthenticationBackend<U>[];
  readonly schemas: UserSchemas;
  readonly bodyLimit: number;
  /** The current user or a thrown 401/403, per FastAPI Users' rules (spec §5). */
  requireUser(
    request: Request,
    options: CurrentUserOptions,
  ): Promise<{ user: U; token: string; backend: AuthenticationBackend<U> }>;
  /** A user as the read schema shows it (never the hash, never provider tokens). */
  serialize(user: U): Record<string, unknown>;
}

/**
 * Re-labels an internal error with the wire code the route documents (e.g. INVALID_PASSWORD →
 * REGISTER_INVALID_PASSWORD), keeping the policy's reason; anything else is rethrown as is.
 */
export function relabel(error: unknown, map: Partial<Record<ErrorCode, ErrorCode>>): never {
  if (isPortcullisError(error)) {
    const code = map[error.code];
    if (code)
      throw new PortcullisError(code, error.message, { cause: error, reason: error.reason });
  }
  throw error;
}

export function notFound(): PortcullisError {
  return new PortcullisError(ErrorCode.NOT_FOUND, 'Not found');
}
