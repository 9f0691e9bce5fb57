import { ErrorCode, PortcullisError } from '@portcullis/core';

/**
 * A lifetime in whole milliseconds, or null for "no expiry". 0 and null mean no expiry, as
 * upstream's `if lifetime_seconds` (see docs/contract/behaviour.md#redis-strategy); anything else must be a positive number.
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
