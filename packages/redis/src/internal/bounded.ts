import { ErrorCode, PortcullisError } from '@portcullis/core';
import { withDeadline } from '@portcullis/core/adapter';
import type { RedisClientLike } from '../redis-client';
import { toRedisError } from './errors';

/** A client and how long one store call may wait on it. */
export interface BoundedRedis {
  readonly client: RedisClientLike;
  readonly timeoutMs: number;
}

/**
 * ioredis states in which nothing can be sent until the next connection attempt, which the
 * client's retry strategy may put seconds away (ioredis built/Redis.js: `setStatus`).
 */
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * Runs one store call against Redis, bounded: it fails with SERVICE_UNAVAILABLE (503) at once
 * while the client reports it is between connection attempts (a command would only wait in
 * its offline queue for a backoff), and after `timeoutMs` when Redis does not answer (a
 * silent server, a dead network path), whatever the client's own options say. Other errors go
 * through the store error mapping. The call itself is not cancelled: a late answer is ignored.
 */
export function bounded<T>(redis: BoundedRedis, work: () => Promise<T>): Promise<T> {
  // Not an async function: the one promise is the deadline's, which maps the errors itself.
  const { status } = redis.client;
  if (typeof status === 'string' && DOWN.has(status)) {
    return Promise.reject(
      new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, 'Redis is unavailable (reconnecting)'),
    );
  }
  try {
    return withDeadline(work(), redis.timeoutMs, 'Redis', toRedisError);
  } catch (error) {
    return Promise.reject(toRedisError(error));
  }
}
