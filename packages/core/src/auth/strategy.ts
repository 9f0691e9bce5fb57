import type { User } from '../types';

/** How a strategy turns a token's subject back into a user. Null for anything unusable. */
export interface UserLookup<U extends User = User> {
  /** Parses the id and loads the user; null when the id is not parsable or the user is gone. */
  findById(id: string): Promise<U | null>;
}

/**
 * What a token means: how it is issued, read back and destroyed (spec §9.3–9.5).
 */
export interface Strategy<U extends User = User> {
  /** The user the token stands for, or null (bad, expired, revoked, or unknown user). */
  readToken(token: string, users: UserLookup<U>): Promise<U | null>;
  writeToken(user: U): Promise<string>;
  /** Revokes the token; strategies that cannot (stateless JWT) do nothing. */
  destroyToken(token: string, user: U): Promise<void>;
  /**
   * Revokes every token of the user ("log out everywhere"). Absent on strategies that cannot
   * (a JWT strategy without a revocation store), so a caller can tell instead of believing a
   * no-op. Call it through `destroyAllSessions`, which covers every backend.
   */
  destroyAllTokens?(user: U): Promise<void>;
}
