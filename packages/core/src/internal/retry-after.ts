/**
 * Seconds a 503 asks clients to wait before they retry (`Retry-After`, RFC 9110 §10.2.3). It
 * matches the stores' default timeouts (5 s): a store that stopped answering has had that long to
 * come back, or a retry fails within the same bound again. Whole seconds, as the header requires.
 */
export const RETRY_AFTER_SECONDS = 5;

/** The header every 503 carries (docs/reliability.md). */
export const RETRY_AFTER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'retry-after': String(RETRY_AFTER_SECONDS),
});
