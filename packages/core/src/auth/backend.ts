import { ErrorCode, PortcullisError } from '../errors';
import type { User } from '../types';
import type { Strategy } from './strategy';
import type { Transport } from './transport';

/** A named pair of transport and strategy (see docs/contract/behaviour.md#backends). */
export interface AuthenticationBackend<U extends User = User> {
  readonly name: string;
  readonly transport: Transport;
  readonly strategy: Strategy<U>;
}

/**
 * @example
 * ```ts
 * const jwt = createAuthBackend({
 *   name: 'jwt',
 *   transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
 *   strategy: createJwtStrategy({ secret, lifetimeSeconds: 3600 }),
 * });
 * ```
 */
export function createAuthBackend<U extends User = User>(
  backend: AuthenticationBackend<U>,
): AuthenticationBackend<U> {
  return Object.freeze({ ...backend });
}

/** FastAPI Users' name sanitising: names must stay distinct once reduced to identifiers (see docs/contract/routes.md#router-options). */
function sanitize(name: string): string {
  return name.replace(/[^0-9a-zA-Z_]/g, '').replace(/^[^a-zA-Z_]+/, '');
}

export function assertUniqueBackendNames(backends: readonly { name: string }[]): void {
  const seen = new Set<string>();
  for (const backend of backends) {
    const key = sanitize(backend.name);
    if (seen.has(key)) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `Two authentication backends share the name "${backend.name}" once sanitised`,
      );
    }
    seen.add(key);
  }
}
