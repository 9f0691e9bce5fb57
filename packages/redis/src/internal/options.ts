import { ErrorCode, PortcullisError } from '@portcullis/core';

/**
 * A lifetime in whole milliseconds, or null for "no expiry". 0 and null mean no expiry, as
 * upstream's `if lifetime_seconds` (spec §9.5); anything else must be a positive number.
 */
export function lifetimeMs(seconds: number | null | undefined): number | null {
  if (seconds === null || seconds === undefined || seconds === 0) return null;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'lifetimeSeconds must be a positive number or null',
    );
  }
  return Math.max(1, Math.round(seconds * 1000));
}

/** Key prefixes are plain strings; a non-string would silently become "undefined…". */
export function keyPrefix(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') {
    throw new PortcullisError(ErrorCode.CONFIGURATION, 'keyPrefix must be a string');
  }
  return value;
}

/** The default bound on one store call, and on the client's waits in `redisClientOptions`. */
export const DEFAULT_TIMEOUT_MS = 5000;
/** Node's timers take at most 2^31 - 1 ms; a longer delay silently fires after 1 ms. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * A duration option in milliseconds, `fallback` when unset: a positive number Node's timers can
 * hold.
 *
 * @throws a CONFIGURATION PortcullisError naming the function and the option.
 */
export function millisecondsOption(
  value: unknown,
  fallback: number,
  name: string,
  caller: string,
): number {
  const resolved = value ?? fallback;
  const shown = typeof resolved === 'number' ? String(resolved) : `a ${typeof resolved}`;
  if (typeof resolved !== 'number' || !(resolved > 0)) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `${caller}: ${name} must be a positive number (got ${shown})`,
    );
  }
  if (resolved > MAX_TIMEOUT_MS) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      `${caller}: ${name} must be at most ${MAX_TIMEOUT_MS} (got ${shown})`,
    );
  }
  return resolved;
}
