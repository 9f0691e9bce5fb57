import type { LoginFailedEvent, RateLimitErrorEvent, ThrottledEvent } from './abuse/events';
import type { PortcullisRequest } from './http/request';
import type { PortcullisResponse } from './http/response';
import type { MfaChangedEvent, MfaFailedEvent } from './mfa/events';
import type { User } from './types';

/**
 * The nine lifecycle hooks (see docs/contract/behaviour.md#hooks), all optional. `request` is the incoming request (method,
 * URL, headers, client address) when the action came over HTTP. Hooks never receive a plaintext password (a deliberate fix of
 * docs/contract/quirks.md#hook-password).
 */
export interface UserManagerHooks<U extends User = User> {
  onAfterRegister?(user: U, request?: PortcullisRequest): void | Promise<void>;
  onAfterUpdate?(
    user: U,
    update: Record<string, unknown>,
    request?: PortcullisRequest,
  ): void | Promise<void>;
  /** May change the response (add headers or cookies) before it is sent. */
  onAfterLogin?(
    user: U,
    request?: PortcullisRequest,
    response?: PortcullisResponse,
  ): void | Promise<void>;
  onAfterRequestVerify?(user: U, token: string, request?: PortcullisRequest): void | Promise<void>;
  onAfterVerify?(user: U, request?: PortcullisRequest): void | Promise<void>;
  onAfterForgotPassword?(user: U, token: string, request?: PortcullisRequest): void | Promise<void>;
  onAfterResetPassword?(user: U, request?: PortcullisRequest): void | Promise<void>;
  onBeforeDelete?(user: U, request?: PortcullisRequest): void | Promise<void>;
  onAfterDelete?(user: U, request?: PortcullisRequest): void | Promise<void>;

  // Abuse protection (docs/abuse-protection.md): events, never a password.
  /** A password login failed (unknown email, wrong password, inactive or unverified account). */
  onLoginFailed?(event: LoginFailedEvent<U>, request?: PortcullisRequest): void | Promise<void>;
  /** A request was answered 429 by login throttling or the per-address budget. */
  onThrottled?(event: ThrottledEvent, request?: PortcullisRequest): void | Promise<void>;
  /** The limiter's store failed; the request went through unchecked (fail open). */
  onRateLimitError?(event: RateLimitErrorEvent, request?: PortcullisRequest): void | Promise<void>;

  // Second factor (docs/mfa.md): events, never a code, a secret or a recovery code.
  /** TOTP was enabled (its first code confirmed). */
  onMfaEnabled?(event: MfaChangedEvent<U>, request?: PortcullisRequest): void | Promise<void>;
  /** TOTP was disabled. */
  onMfaDisabled?(event: MfaChangedEvent<U>, request?: PortcullisRequest): void | Promise<void>;
  /** A second-factor check failed: a wrong code, an unusable MFA token, too many attempts. */
  onMfaFailed?(event: MfaFailedEvent<U>, request?: PortcullisRequest): void | Promise<void>;

  // Passkeys (docs/mfa.md#passkeys): the passkey's public id and name, never key material.
  /** A user registered a passkey. */
  onPasskeyAdded?(event: PasskeyEvent<U>, request?: PortcullisRequest): void | Promise<void>;
  /** A user deleted one of their passkeys. */
  onPasskeyRemoved?(event: PasskeyEvent<U>, request?: PortcullisRequest): void | Promise<void>;
}

/** What `onPasskeyAdded` and `onPasskeyRemoved` receive. */
export interface PasskeyEvent<U extends User = User> {
  user: U;
  passkey: { id: string; name: string };
}

/**
 * The password policy. Throw `InvalidPasswordError(reason)` to refuse; `user` is the create
 * payload at registration and the stored user on update and reset.
 */
export type ValidatePassword<U extends User = User> = (
  password: string,
  user: U | Record<string, unknown>,
) => void | Promise<void>;
