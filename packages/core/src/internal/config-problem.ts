import type { Strategy } from '../auth/strategy';
import { isPortcullisError, type PortcullisConfigError } from '../errors';
import type { User } from '../types';

/**
 * A strategy factory cannot throw with the option's full path (`backends[0].strategy.secret`):
 * it runs before `createPortcullis` knows where the strategy goes. So a factory given bad
 * options returns a strategy carrying the problem under this key, and `createPortcullis` throws
 * it with the path prefixed, at start-up. Registered, so two copies of core agree on it.
 */
const PROBLEM = Symbol.for('portcullis.configProblem');

/** The problem a misconfigured strategy carries, if any. */
export function configProblemOf(value: unknown): PortcullisConfigError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const problem = (value as Record<symbol, unknown>)[PROBLEM];
  return isPortcullisError(problem) ? (problem as PortcullisConfigError) : undefined;
}

/**
 * A strategy that only reports `problem`: `createPortcullis` refuses to start with it, and if it
 * is used on its own, every call rejects with the problem (a 500, never a silent 401).
 */
export function misconfiguredStrategy<U extends User>(problem: PortcullisConfigError): Strategy<U> {
  const refuse = (): Promise<never> => Promise.reject(problem);
  return Object.freeze({
    [PROBLEM]: problem,
    readToken: refuse,
    writeToken: refuse,
    destroyToken: refuse,
  });
}

/** Runs a check; a PortcullisConfigError it throws is returned, anything else rethrown. */
export function problemOf(check: () => void): PortcullisConfigError | null {
  try {
    check();
    return null;
  } catch (error) {
    if (isPortcullisError(error) && error.code === 'CONFIGURATION' && 'within' in error) {
      return error as PortcullisConfigError;
    }
    throw error;
  }
}
