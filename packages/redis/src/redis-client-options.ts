import { DEFAULT_STORE_TIMEOUT_MS, timeoutOption } from '@portcullis/core/adapter';

export interface RedisClientOptionsInput {
  /** How long opening a connection (TCP) may take, in milliseconds. Default 5 000. */
  connectTimeoutMs?: number;
  /**
   * How long a command may wait for its answer, queued or sent, and how long a connection may
   * stay silent while commands wait on it before it is dropped and reopened, in milliseconds.
   * Default 5 000.
   */
  commandTimeoutMs?: number;
  /** The longest pause between two reconnection attempts, in milliseconds. Default 1 000. */
  maxReconnectDelayMs?: number;
}

/** ioredis 5/6 options (`RedisOptions` fields), ready to spread into `new Redis(url, …)`. */
export interface RedisClientOptions {
  readonly connectTimeout: number;
  readonly commandTimeout: number;
  readonly socketTimeout: number;
  readonly maxRetriesPerRequest: number;
  readonly retryStrategy: (times: number) => number;
}

/** The first pause before reconnecting; it doubles per failed attempt, up to the maximum. */
const FIRST_RECONNECT_DELAY_MS = 50;

/**
 * Options for an ioredis client that never makes a request wait on a Redis that is down: TCP
 * connect and every command are bounded (5 s), a connection that stops answering is dropped
 * and reopened (ioredis 6 `socketTimeout`), a command is retried on at most one new connection
 * (`maxRetriesPerRequest: 1`), and reconnection attempts back off from 50 ms to at most 1 s, so
 * the client is back within about a second of Redis. The stores bound their calls themselves
 * too (`commandTimeoutMs`); these options make the client recover quickly as well.
 *
 * @throws a CONFIGURATION PortcullisError for an option out of range, naming it.
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis = new Redis(process.env.REDIS_URL!, { ...redisClientOptions(), lazyConnect: true });
 * await redis.connect(); // before serving: a wrong URL stops the app at start-up
 * ```
 */
export function redisClientOptions(options: RedisClientOptionsInput = {}): RedisClientOptions {
  const caller = 'redisClientOptions';
  const commandTimeout = timeoutOption(
    options.commandTimeoutMs,
    DEFAULT_STORE_TIMEOUT_MS,
    'commandTimeoutMs',
    caller,
  );
  const maxDelay = timeoutOption(options.maxReconnectDelayMs, 1000, 'maxReconnectDelayMs', caller);
  return Object.freeze({
    connectTimeout: timeoutOption(
      options.connectTimeoutMs,
      DEFAULT_STORE_TIMEOUT_MS,
      'connectTimeoutMs',
      caller,
    ),
    commandTimeout,
    socketTimeout: commandTimeout,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) =>
      Math.min(FIRST_RECONNECT_DELAY_MS * 2 ** Math.max(0, Math.min(times - 1, 20)), maxDelay),
  });
}
