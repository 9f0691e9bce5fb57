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

/** How many time slices a deadline window is cut into: a call fails within 1/8 past its bound. */
const SLICES = 8;

/** The calls that started in one slice of time; they all fail together, when the last may. */
interface Slice {
  readonly closesAt: number;
  readonly waiting: Set<() => void>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The deadlines of every call bounded by one `timeoutMs`: one timer per slice of time with
 * calls still waiting, instead of a timer per call (a timer per Redis command was a measurable
 * share of a session check; docs/performance.md#store-call-deadlines). A call that started in
 * a slice fails when the slice closes plus `timeoutMs`: after at least `timeoutMs`, at most
 * `timeoutMs / 8` later. A slice's timer is cleared as soon as no call in it waits, so an idle
 * process is never kept alive by a deadline.
 */
class Deadlines {
  readonly #timeoutMs: number;
  readonly #sliceMs: number;
  #current: Slice | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#sliceMs = Math.max(1, timeoutMs / SLICES);
  }

  /** Starts waiting; `expire` runs unless `leave` is called first. */
  enter(expire: () => void): Slice {
    const now = Date.now();
    let slice = this.#current;
    if (slice === undefined || now >= slice.closesAt) {
      slice = { closesAt: now + this.#sliceMs, waiting: new Set(), timer: undefined };
      this.#current = slice;
    }
    slice.waiting.add(expire);
    if (slice.timer === undefined) {
      const armed = slice;
      armed.timer = setTimeout(
        () => {
          armed.timer = undefined;
          const expired = [...armed.waiting];
          armed.waiting.clear();
          for (const fail of expired) fail();
        },
        Math.min(armed.closesAt + this.#timeoutMs - now, MAX_TIMEOUT_MS),
      );
    }
    return slice;
  }

  /** Stops waiting: the call settled. */
  leave(slice: Slice, expire: () => void): void {
    slice.waiting.delete(expire);
    if (slice.waiting.size === 0 && slice.timer !== undefined) {
      clearTimeout(slice.timer);
      slice.timer = undefined;
    }
  }
}

const deadlines = new Map<number, Deadlines>();

/** The deadlines of every call bounded by `timeoutMs`, made on first use. */
function deadlinesOf(timeoutMs: number): Deadlines {
  let bound = deadlines.get(timeoutMs);
  if (bound === undefined) {
    bound = new Deadlines(timeoutMs);
    deadlines.set(timeoutMs, bound);
  }
  return bound;
}

/**
 * Waits for `work` at most `timeoutMs` (up to an eighth more), then fails with
 * SERVICE_UNAVAILABLE (503): the bound a store puts on a server that accepted a call and stopped
 * answering, whatever its client's own options. The call itself is not cancelled; a late answer
 * or error is ignored. `mapError`, if given, turns either failure into the store's own error,
 * without another promise around this one.
 *
 * @example
 * ```ts
 * const value = await withDeadline(redis.get(key), 5000, 'Redis');
 * // no answer within 5 s: SERVICE_UNAVAILABLE, "Redis did not answer within 5000 ms"
 * ```
 */
export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  server: string,
  mapError: (error: unknown) => unknown = (error) => error,
): Promise<T> {
  const waits = deadlinesOf(timeoutMs);
  return new Promise<T>((resolve, reject) => {
    const expire = () => {
      const message = `${server} did not answer within ${timeoutMs} ms`;
      reject(mapError(new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, message)));
    };
    const slice = waits.enter(expire);
    work.then(
      (value) => {
        waits.leave(slice, expire);
        resolve(value);
      },
      (error: unknown) => {
        waits.leave(slice, expire);
        reject(mapError(error));
      },
    );
  });
}
