import type { User } from './types';

/**
 * The nine lifecycle hooks (spec §3.10), all optional. `request` is the incoming WHATWG request
 * when the action came over HTTP. Hooks never receive a plaintext password (a deliberate fix of
 * upstream quirk 7).
 */
export interface UserManagerHooks<U extends User = User> {
  onAfterRegister?(user: U, request?: Request): void | Promise<void>;
  onAfterUpdate?(user: U, update: Record<string, unknown>, request?: Request): void | Promise<void>;
  /** May change the response (add headers or cookies) before it is sent. */
  onAfterLogin?(user: U, request?: Request, response?: Response): void | Promise<void>;
  onAfterRequestVerify?(user: U, token: string, request?: Request): void | Promise<void>;
  onAfterVerify?(user: U, request?: Request): void | Promise<void>;
  onAfterForgotPassword?(user: U, token: string, request?: Request): void | Promise<void>;
  onAfterResetPassword?(user: U, request?: Request): void | Promise<void>;
  onBeforeDelete?(user: U, request?: Request): void | Promise<void>;
  onAfterDelete?(user: U, request?: Request): void | Promise<void>;
}

/**
 * The password policy. Throw `InvalidPasswordError(reason)` to refuse; `user` is the create
 * payload at registration and the stored user on update and reset.
 */
export type ValidatePassword<U extends User = User> = (
  password: string,
  user: U | Record<string, unknown>,
) => void | Promise<void>;
