import type { PortcullisRequest } from '../http/request';
import type { User } from '../types';

/**
 * What a strategy knows about the login it issues a token for. Stateless strategies ignore it;
 * strategies that keep session records store it.
 */
export interface LoginContext {
  /** The request that logged the user in, when it came over HTTP. */
  request?: PortcullisRequest;
  /** When the user last proved who they are, in Unix milliseconds; a refresh keeps it. */
  authTime: number;
  /** True when a second factor was satisfied (a TOTP or recovery code, or a passkey). */
  mfa: boolean;
}

/** How a strategy turns a token's subject back into a user. Null for anything unusable. */
export interface UserLookup<U extends User = User> {
  /** Parses the id and loads the user; null when the id is not parsable or the user is gone. */
  findById(id: string): Promise<U | null>;
}

/**
 * What a token means: how it is issued, read back and destroyed (see docs/contract/behaviour.md#backends).
 */
export interface Strategy<U extends User = User> {
  /** The user the token stands for, or null (bad, expired, revoked, or unknown user). */
  readToken(token: string, users: UserLookup<U>): Promise<U | null>;
  writeToken(user: U, context?: LoginContext): Promise<string>;
  /** Revokes the token; strategies that cannot (stateless JWT) do nothing. */
  destroyToken(token: string, user: U): Promise<void>;
  /**
   * Revokes every token of the user ("log out everywhere"). Absent on strategies that cannot
   * (a JWT strategy without a revocation store), so a caller can tell instead of believing a
   * no-op. Call it through `revokeAllForUser`, which covers every backend.
   */
  revokeAllForUser?(user: U): Promise<void>;
}
