import { ErrorCode, isPortcullisError, PortcullisError } from '@portcullis/core';

// What ioredis reports when it cannot get an answer (ioredis built/Redis.js, errors/).
const UNAVAILABLE_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'AbortError',
  'ClusterAllFailedError',
]);
const UNAVAILABLE_MESSAGES = new RegExp(
  `^(${[
    'Connection is closed',
    "Stream isn't writeable",
    'Command timed out',
    'connect ETIMEDOUT',
    'Socket timeout',
    "Cluster isn't ready",
    'None of startup nodes',
  ].join('|')})`,
);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// Server replies that mean "not now" rather than "wrong command" (Redis error prefixes).
const TRANSIENT_REPLIES =
  /^(LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN|MISCONF|NOREPLICAS)\b/;

/**
 * A client error as the stores report it: an unreachable or not-ready server becomes
 * SERVICE_UNAVAILABLE (503) with the original as `cause`; anything else is returned as is.
 */
export function toRedisError(error: unknown): unknown {
  if (isPortcullisError(error) || typeof error !== 'object' || error === null) return error;
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  const text = typeof message === 'string' ? message : '';
  const unavailable =
    (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) ||
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    UNAVAILABLE_MESSAGES.test(text) ||
    (name === 'ReplyError' && TRANSIENT_REPLIES.test(text));
  if (!unavailable) return error;
  return new PortcullisError(ErrorCode.SERVICE_UNAVAILABLE, 'Redis is unavailable', {
    cause: error,
  });
}
