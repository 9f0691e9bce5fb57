/**
 * At most `limit` tasks running at once; the rest wait in arrival order (issue 7).
 *
 * Password hashing uses it: argon2 runs on the libuv thread pool, and a login flood that puts a
 * hash on every pool thread leaves the event loop fighting those threads for the CPU (and
 * queues every other pool job — file reads, DNS — behind them).
 */
export type ConcurrencyLimit = <T>(task: () => Promise<T>, skip?: SkipCheck) => Promise<T>;

/**
 * Asked when a task's turn comes: true drops it (it rejects with `skipped()`'s error and its
 * turn passes to the next). A login whose client has gone away no longer needs its hash.
 */
export type SkipCheck = () => boolean;

/** Made by the caller: what a dropped task rejects with. */
export type Skipped = () => Error;

/** What a handed-over queue slot holds, so the queue keeps no waiter alive. */
const HANDED_OVER = (): void => {};

export function concurrencyLimit(limit: number, skipped: Skipped): ConcurrencyLimit {
  if (limit === Number.POSITIVE_INFINITY) {
    return (task, skip) => (skip?.() ? Promise.reject(skipped()) : task());
  }
  let running = 0;
  // A queue read from `head`, compacted when drained: shift() is O(n) on a long queue.
  let waiting: (() => void)[] = [];
  let head = 0;

  const release = (): void => {
    if (head < waiting.length) {
      const next = waiting[head] as () => void;
      waiting[head] = HANDED_OVER;
      head += 1;
      if (head === waiting.length) {
        waiting = [];
        head = 0;
      }
      next();
      return;
    }
    running -= 1;
  };

  return async <T>(task: () => Promise<T>, skip?: SkipCheck): Promise<T> => {
    if (skip?.()) throw skipped();
    if (running < limit) running += 1;
    else {
      // The slot is handed over by `release` without decrementing `running`.
      await new Promise<void>((resolve) => waiting.push(resolve));
      if (skip?.()) {
        release();
        throw skipped();
      }
    }
    try {
      return await task();
    } finally {
      release();
    }
  };
}
