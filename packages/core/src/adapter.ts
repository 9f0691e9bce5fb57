// @portcullis/core/adapter: for people writing a framework adapter or a store. Applications
// never need it; everything here follows the same semver as the main entry. Exports are
// grouped by topic under their headings (the import sorter is off for this file).

// The request every route reads and the answer it gives
export {
  DEFAULT_BODY_TIMEOUT_MS,
  type FetchConnectionInfo,
  fromFetchRequest,
  type ParsedBody,
  type PortcullisRequest,
} from './http/request';
export {
  eachHeader,
  json,
  type PortcullisResponse,
  RETRY_AFTER_SECONDS,
  serviceUnavailable,
  statusError,
  toFetchResponse,
} from './http/response';
export { type BodyLimits, DEFAULT_BODY_LIMIT, MAX_JSON_DEPTH } from './http/body';
export type { MountedRoute, RouteMatch } from './http/handler';
export type { HttpMethod, Route, RouteContext, RouteDoc } from './http/route';
export type { LazySchema, Zod } from './internal/lazy-schema';

// The guard's decision (401, 403, 503), the same on every adapter
export { type GuardOutcome, resolveUser } from './auth/guard';

// Rate-limit stores: the contract and the lock arithmetic every store shares
export {
  type AttemptKey,
  type AttemptOutcome,
  type AttemptPolicy,
  lockEnd,
  type RateLimitStore,
  type WindowCount,
} from './abuse/rate-limit-store';

// Users and FastAPI Users-era access tokens in memory: for tests and adapter suites
export {
  createMemoryAccessTokenStore,
  createMemoryUserStore,
  type MemoryUserStoreOptions,
} from './memory-user-store';

// Sessions in memory: for tests and single-process apps (docs/sessions.md)
export { createMemorySessionStore } from './sessions/memory-session-store';
export { clipUserAgent } from './sessions/session-data';

// What stores and strategies share: token ids, randomness, comparisons, the JWT codec
export { createTokenId, tokenIdIssuedAt } from './auth/revocation';
export { createJwtCodec, isTokenError, type JwtCodec, type JwtCodecOptions } from './jwt';
export { randomToken, timingSafeEqual } from './random';

// Bounded waits on a store's server: option checks and the deadline behind a 503
export { DEFAULT_STORE_TIMEOUT_MS, timeoutOption, withDeadline } from './store-timeouts';
