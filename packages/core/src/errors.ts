/**
 * Error codes. The first fifteen are FastAPI Users' `ErrorCode` values, sent verbatim as `detail`
 * (see docs/contract/behaviour.md#errors); the rest are added by Portcullis or used between layers.
 *
 * @example
 * ```ts
 * if (isPortcullisError(err) && err.code === ErrorCode.LOGIN_BAD_CREDENTIALS) { ... }
 * ```
 */
export const ErrorCode = {
  REGISTER_INVALID_PASSWORD: 'REGISTER_INVALID_PASSWORD',
  REGISTER_USER_ALREADY_EXISTS: 'REGISTER_USER_ALREADY_EXISTS',
  OAUTH_NOT_AVAILABLE_EMAIL: 'OAUTH_NOT_AVAILABLE_EMAIL',
  OAUTH_USER_ALREADY_EXISTS: 'OAUTH_USER_ALREADY_EXISTS',
  OAUTH_INVALID_STATE: 'OAUTH_INVALID_STATE',
  LOGIN_BAD_CREDENTIALS: 'LOGIN_BAD_CREDENTIALS',
  LOGIN_USER_NOT_VERIFIED: 'LOGIN_USER_NOT_VERIFIED',
  RESET_PASSWORD_BAD_TOKEN: 'RESET_PASSWORD_BAD_TOKEN',
  RESET_PASSWORD_INVALID_PASSWORD: 'RESET_PASSWORD_INVALID_PASSWORD',
  VERIFY_USER_BAD_TOKEN: 'VERIFY_USER_BAD_TOKEN',
  VERIFY_USER_ALREADY_VERIFIED: 'VERIFY_USER_ALREADY_VERIFIED',
  UPDATE_USER_EMAIL_ALREADY_EXISTS: 'UPDATE_USER_EMAIL_ALREADY_EXISTS',
  UPDATE_USER_INVALID_PASSWORD: 'UPDATE_USER_INVALID_PASSWORD',
  ACCESS_TOKEN_ALREADY_EXPIRED: 'ACCESS_TOKEN_ALREADY_EXPIRED',
  ACCESS_TOKEN_DECODE_ERROR: 'ACCESS_TOKEN_DECODE_ERROR',
  // Added by Portcullis.
  OAUTH_PROVIDER_ERROR: 'OAUTH_PROVIDER_ERROR',
  OAUTH_ACCOUNT_ALREADY_LINKED: 'OAUTH_ACCOUNT_ALREADY_LINKED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  // Abuse protection: 429 from login throttling and per-address limits.
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  // Second factor (docs/mfa.md).
  LOGIN_MFA_REQUIRED: 'LOGIN_MFA_REQUIRED',
  MFA_BAD_CODE: 'MFA_BAD_CODE',
  MFA_BAD_TOKEN: 'MFA_BAD_TOKEN',
  MFA_ALREADY_ENABLED: 'MFA_ALREADY_ENABLED',
  // Passkeys: a WebAuthn response that did not verify, whatever the reason.
  PASSKEY_BAD_RESPONSE: 'PASSKEY_BAD_RESPONSE',
  // Refresh tokens (docs/sessions.md): unknown, malformed, expired, revoked or reused.
  REFRESH_TOKEN_BAD_TOKEN: 'REFRESH_TOKEN_BAD_TOKEN',
  // Between layers (a store or the manager tells its caller; routes translate them).
  USER_ALREADY_EXISTS: 'USER_ALREADY_EXISTS',
  USER_NOT_EXISTS: 'USER_NOT_EXISTS',
  USER_INACTIVE: 'USER_INACTIVE',
  INVALID_PASSWORD: 'INVALID_PASSWORD',
  INVALID_ID: 'INVALID_ID',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  BAD_REQUEST: 'BAD_REQUEST',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  CLIENT_CLOSED_REQUEST: 'CLIENT_CLOSED_REQUEST',
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  TOKEN_INVALID: 'TOKEN_INVALID',
  CONFIGURATION: 'CONFIGURATION',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const DEFAULT_STATUS: Partial<Record<ErrorCode, number>> = {
  SERVICE_UNAVAILABLE: 503,
  TOO_MANY_REQUESTS: 429,
  USER_NOT_EXISTS: 404,
  NOT_FOUND: 404,
  INVALID_ID: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  BODY_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  // nginx's status for a client that closed the connection before the answer: nobody reads it.
  CLIENT_CLOSED_REQUEST: 499,
  VALIDATION_ERROR: 422,
  CONFIGURATION: 500,
};

/** Registered symbol, so the brand check survives two copies of this package in one app. */
const BRAND = Symbol.for('portcullis.error');

export interface PortcullisErrorOptions {
  /** HTTP status the routes answer with; defaults from the code (400 for most). */
  status?: number;
  /** The `reason` of a password-policy failure, sent as `detail.reason`. */
  reason?: unknown;
  /**
   * The `detail` sent to the client, when it is not the code itself (an OAuth provider's
   * `error` value, say). Never put an email, a token or a secret here.
   */
  detail?: unknown;
  /** Whole seconds a client should wait before trying again: sent as `Retry-After` on a 429. */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * The one error class of Portcullis. Messages never carry emails, tokens or secrets.
 *
 * @example
 * ```ts
 * throw new PortcullisError(ErrorCode.INVALID_PASSWORD, 'Password too short', { reason: 'Too short' });
 * ```
 */
export class PortcullisError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly reason: unknown;
  /** Whole seconds before a retry may succeed (`Retry-After`), when the error says. */
  readonly retryAfter: number | undefined;
  readonly #detail: unknown;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message?: string, options: PortcullisErrorOptions = {}) {
    super(message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PortcullisError';
    this.code = code;
    this.status = options.status ?? DEFAULT_STATUS[code] ?? 400;
    this.reason = options.reason;
    this.retryAfter = options.retryAfter;
    this.#detail = options.detail;
  }

  /**
   * What the client receives as `detail`: the explicit `detail` option, else
   * `{"code", "reason"}` when there is a reason (password-policy failures), else the code.
   * The message is for logs and never reaches the wire.
   */
  get detail(): unknown {
    if (this.#detail !== undefined) return this.#detail;
    if (this.reason !== undefined) return { code: this.code, reason: this.reason };
    return this.code;
  }
}

/** True for any PortcullisError, including one thrown by another installed copy of the package. */
export function isPortcullisError(value: unknown): value is PortcullisError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/**
 * Thrown by `validatePassword` to reject a password; `reason` reaches the client as
 * `{"detail": {"code": "..._INVALID_PASSWORD", "reason": reason}}` (see docs/contract/behaviour.md#errors).
 */
export class InvalidPasswordError extends PortcullisError {
  constructor(reason: unknown) {
    super(ErrorCode.INVALID_PASSWORD, 'Password rejected by the password policy', { reason });
    this.name = 'InvalidPasswordError';
  }
}

/**
 * A configuration mistake found at start-up: `path` names the option from the object the caller
 * passed (`backends[0].strategy.secret`), the message says what is wrong with it, never its
 * value when that value may be a secret.
 *
 * @example
 * ```ts
 * try {
 *   createPortcullis(options);
 * } catch (error) {
 *   if (error instanceof PortcullisConfigError) console.error(error.message);
 *   // backends[0].strategy.secret must be at least 32 bytes for HS256 (got 3)
 * }
 * ```
 */
export class PortcullisConfigError extends PortcullisError {
  /** The option at fault, as a path from the options object (`userManager.users.get`). */
  readonly path: string;
  /** What is wrong with it (`must be at least 32 bytes for HS256 (got 3)`). */
  readonly problem: string;

  constructor(path: string, problem: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.CONFIGURATION, `${path} ${problem}`, options);
    this.name = 'PortcullisConfigError';
    this.path = path;
    this.problem = problem;
  }

  /** The same problem, seen from an enclosing options object: `within('backends[0]')`. */
  within(prefix: string): PortcullisConfigError {
    const path = this.path.startsWith('[') ? `${prefix}${this.path}` : `${prefix}.${this.path}`;
    return new PortcullisConfigError(path, this.problem, { cause: this.cause });
  }
}
