import { ErrorCode, PortcullisError } from './errors';

/**
 * The default bound, in milliseconds, on one wait for a store's server (connecting, a query, a
 * command): past it a request is better answered with a 503 than kept waiting
 * (docs/reliability.md).
 */
export const DEFAULT_STORE_TIMEOUT_MS = 5000;

/** Node's timers take at most 2^31 - 1 ms; a longer delay silently fires after 1 ms. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * A timeout option in milliseconds, `fallback` when unset: a positive number Node's timers can
 * hold. Stores check theirs when they are created, so a typo fails at start-up.
 *
 * @throws a CONFIGURATION PortcullisError naming the function and the option (the value is
 * shown when it is a number, only its type otherwise).
 * @example
 * ```ts
 * const ms = timeoutOption(options.commandTimeoutMs, 5000, 'commandTimeoutMs', 'createMyStore');
 * // -5 → "createMyStore: commandTimeoutMs must be a positive number (got -5)"
 * ```
 */
export function timeoutOption(
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

/**
 * Waits for `work` at most `timeoutMs`, then fails with SERVICE_UNAVAILABLE (503): the bound a
 * store puts on a server that accepted a call and stopped answering, whatever its client's own
 * options. The call itself is not cancelled; a late answer or error is ignored.
 *
 * @example
 * ```ts
 * const value = await withDeadline(redis.get(key), 5000, 'Redis');
 * // no answer within 5 s: SERVICE_UNAVAILABLE, "Redis did not answer within 5000 ms"
 * ```
 */
export async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  server: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = `${server} did not answer within ${timeoutMs} ms`;
      reject(new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, message));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
