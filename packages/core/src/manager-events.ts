import type { LoginFailedEvent, RateLimitErrorEvent, ThrottledEvent } from './abuse/events';
import type { PasskeyEvent, UserManagerHooks } from './hooks';
import type { PortcullisRequest } from './http/request';
import type { PortcullisResponse } from './http/response';
import type { MfaChangedEvent, MfaFailedEvent } from './mfa/events';
import type { RefreshTokenReuseEvent, SessionRevokedEvent } from './sessions/events';
import type { User } from './types';

/**
 * The event forwarders of `UserManager`: each runs the hook of its name, if the app set one.
 * The login route, the limiter, the MFA gate, the passkey routes and the session rules call them
 * on the manager, so every event reaches the hooks the manager was built with.
 */
export abstract class UserManagerEvents<U extends User = User> {
  /** The hooks the manager was built with, frozen: nothing changes per request. */
  protected readonly hooks: UserManagerHooks<U>;

  protected constructor(hooks: UserManagerHooks<U> | undefined) {
    this.hooks = Object.freeze({ ...hooks });
  }

  /** Runs `onAfterLogin`; the routes call it once the transport built the response. */
  async onAfterLogin(
    user: U,
    request?: PortcullisRequest,
    response?: PortcullisResponse,
  ): Promise<void> {
    await this.hooks.onAfterLogin?.(user, request, response);
  }

  // Abuse protection's events (docs/abuse-protection.md); the limiter calls them.
  /** Runs `onLoginFailed`. */
  async onLoginFailed(event: LoginFailedEvent<U>, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onLoginFailed?.(event, request);
  }

  /** Runs `onThrottled`. */
  async onThrottled(event: ThrottledEvent, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onThrottled?.(event, request);
  }

  /** Runs `onRateLimitError`. */
  async onRateLimitError(event: RateLimitErrorEvent, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onRateLimitError?.(event, request);
  }

  // Second factor's events (docs/mfa.md); the MFA gate calls them.
  /** Runs `onMfaEnabled`. */
  async onMfaEnabled(event: MfaChangedEvent<U>, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onMfaEnabled?.(event, request);
  }

  /** Runs `onMfaDisabled`. */
  async onMfaDisabled(event: MfaChangedEvent<U>, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onMfaDisabled?.(event, request);
  }

  /** Runs `onMfaFailed`. */
  async onMfaFailed(event: MfaFailedEvent<U>, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onMfaFailed?.(event, request);
  }

  /** Runs `onPasskeyAdded` (docs/mfa.md#passkeys). */
  async onPasskeyAdded(event: PasskeyEvent<U>, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onPasskeyAdded?.(event, request);
  }

  /** Runs `onPasskeyRemoved`. */
  async onPasskeyRemoved(event: PasskeyEvent<U>, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onPasskeyRemoved?.(event, request);
  }

  // Session events (docs/sessions.md); the session routes and revocation rules call them.
  /** Runs `onSessionRevoked`. */
  async onSessionRevoked(event: SessionRevokedEvent, request?: PortcullisRequest): Promise<void> {
    await this.hooks.onSessionRevoked?.(event, request);
  }

  /** Runs `onRefreshTokenReuse`. */
  async onRefreshTokenReuse(
    event: RefreshTokenReuseEvent,
    request?: PortcullisRequest,
  ): Promise<void> {
    await this.hooks.onRefreshTokenReuse?.(event, request);
  }
}
