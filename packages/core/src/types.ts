/**
 * Records and store contracts. Field names are snake_case on purpose: they are FastAPI Users'
 * column names and wire names (see docs/contract/behaviour.md#user-fields, docs/contract/behaviour.md#sql-tables), so a record goes to the wire and the
 * database without a mapping layer, and custom fields round-trip under the same name.
 */

/** A user id as stores hand it out: a UUID string by default, an integer or ObjectId hex as options. */
export type UserId = string | number;

/** The fields every user has (see docs/contract/behaviour.md#user-fields); apps add their own fields next to them. */
export interface BaseUser {
  id: UserId;
  email: string;
  hashed_password: string;
  is_active: boolean;
  is_superuser: boolean;
  is_verified: boolean;
}

/** A user record with the app's custom fields. */
export type User = BaseUser & { [field: string]: unknown };

/** An OAuth account linked to a user (see docs/contract/behaviour.md#user-fields). */
export interface OAuthAccount {
  id: UserId;
  oauth_name: string;
  access_token: string;
  expires_at: number | null;
  refresh_token: string | null;
  account_id: string;
  account_email: string;
}

/** What the manager hands a store to create a user; unset flags take the store's defaults. */
export type UserCreateData = {
  email: string;
  hashed_password: string;
  is_active?: boolean;
  is_superuser?: boolean;
  is_verified?: boolean;
} & { [field: string]: unknown };

/** A partial update; `id` is never part of it. */
export type UserUpdateData = Partial<Omit<BaseUser, 'id'>> & { [field: string]: unknown };

export type OAuthAccountData = Omit<OAuthAccount, 'id'>;

/**
 * Compare-and-set conditions for `UserStore.update`: the update applies only if every condition
 * given still holds for the stored row, checked in the same atomic step as the write (one
 * `UPDATE … WHERE`, one filtered `findOneAndUpdate`). This is what makes single-use tokens
 * single-use: of concurrent updates under one condition, exactly one applies.
 */
export interface UpdateCondition {
  /**
   * Apply only if the stored `hashed_password` still equals this value. Makes reset tokens
   * single-use under concurrency (docs/reliability.md).
   */
  hashedPassword?: string;
  /**
   * Apply only if the stored `is_verified` still equals this value. `verify` passes `false`,
   * so of concurrent uses of one verification token exactly one wins.
   */
  isVerified?: boolean;
}

/**
 * Storage for users. Every method is required. Errors a store must raise as PortcullisError:
 * `USER_ALREADY_EXISTS` when the case-insensitive unique email is violated (the database
 * enforces it, so races have exactly one winner), `SERVICE_UNAVAILABLE` when the database
 * cannot be reached.
 */
export interface UserStore<U extends User = User> {
  /** The user with this id, or null. `id` has been parsed by the store's id codec. */
  get(id: UserId): Promise<U | null>;
  /** Case-insensitive lookup (see docs/contract/behaviour.md#stores). */
  getByEmail(email: string): Promise<U | null>;
  getByOAuthAccount(oauthName: string, accountId: string): Promise<U | null>;
  create(data: UserCreateData): Promise<U>;
  /** Returns the updated user, or null when the condition failed or the user is gone. */
  update(user: U, data: UserUpdateData, condition?: UpdateCondition): Promise<U | null>;
  delete(user: U): Promise<void>;
  addOAuthAccount(user: U, data: OAuthAccountData): Promise<U>;
  updateOAuthAccount(user: U, account: OAuthAccount, data: Partial<OAuthAccountData>): Promise<U>;
  /** Parses an id from a path or a token; null when it is not an id of this store. */
  parseId(value: string): UserId | null;
}

/**
 * A row of the access-token table (FastAPI Users' `accesstoken`, see docs/contract/behaviour.md#database-strategy).
 *
 * @deprecated Database-strategy logins are sessions now (`SessionStore`, docs/sessions.md);
 * removed before 1.0.
 */
export interface AccessTokenRecord {
  token: string;
  user_id: UserId;
  created_at: Date;
}

/**
 * Storage for the database strategy's opaque tokens, kept as given.
 *
 * @deprecated Give the database strategy a `SessionStore` (hashed tokens, listable, revocable
 * sessions; docs/sessions.md); removed before 1.0.
 */
export interface AccessTokenStore {
  /** The token, or null; with `maxAge`, only a token created at or after that instant. */
  getByToken(token: string, maxAge?: Date): Promise<AccessTokenRecord | null>;
  create(data: { token: string; user_id: UserId }): Promise<AccessTokenRecord>;
  /** Deletes in one atomic step; true when this call removed it. */
  delete(token: string): Promise<boolean>;
  /** Deletes every token of a user ("log out everywhere"); returns how many. */
  deleteAllForUser(userId: UserId): Promise<number>;
}

/**
 * One completed login (docs/sessions.md). `id` is public (listings show it) and never
 * authenticates on its own; the access token is stored only as `token_key`: the SHA-256 hex
 * of the token by default, the token itself with `tokenStorage: 'plain'`.
 */
export interface SessionRecord {
  id: string;
  user_id: UserId;
  /** The name of the backend that created it, e.g. `cookie` or `session`. */
  backend: string;
  created_at: Date;
  /** Equals `created_at` until the first use; written at most once a minute. */
  last_used_at: Date;
  /** Null: until logout or revocation. */
  expires_at: Date | null;
  /** At most 512 characters. */
  user_agent: string | null;
  /** The client address as resolved through `trustProxy`. */
  ip: string | null;
  /** When the user last proved who they are; a refresh keeps it. */
  auth_time: Date;
  /** True when a second factor was satisfied at login. */
  mfa: boolean;
  /** Null for sessions whose access tokens are JWTs (they carry `sid`). */
  token_key: string | null;
  /** Generation of the current refresh token; null when the session has no refresh token. */
  refresh_generation: number | null;
  /** When the refresh token was last rotated; null before the first rotation. */
  refreshed_at: Date | null;
}

/** What a strategy hands a store to create a session. */
export type SessionCreateData = Omit<
  SessionRecord,
  'created_at' | 'last_used_at' | 'refreshed_at'
> & {
  created_at?: Date;
};

/**
 * Storage for sessions (database strategy, Redis strategy, refresh-token backends). Every
 * method answers live sessions only: an expired or deleted session is never returned.
 * Deletions are atomic: of concurrent deletes of one session exactly one returns true.
 */
export interface SessionStore {
  create(data: SessionCreateData): Promise<SessionRecord>;
  /** The live session with this id, or null. */
  get(id: string): Promise<SessionRecord | null>;
  /** The live session whose `token_key` is this; with `maxAge`, only one created at or after it. */
  getByTokenKey(tokenKey: string, maxAge?: Date): Promise<SessionRecord | null>;
  /** The user's live sessions, newest first. */
  listForUser(userId: UserId): Promise<SessionRecord[]>;
  /** Sets `last_used_at`; a no-op for a session that is gone. */
  touch(id: string, at: Date): Promise<void>;
  /**
   * Compare-and-set rotation: moves `refresh_generation` from `expected` to `expected + 1` and
   * sets `refreshed_at`, only if the stored generation is still `expected`. Of concurrent calls
   * with one `expected` exactly one returns true.
   */
  advanceRefresh(id: string, expected: number, at: Date): Promise<boolean>;
  /** Deletes one session; true when this call removed it. */
  delete(id: string): Promise<boolean>;
  /** Deletes every session of the user except `exceptId`; returns how many. */
  deleteAllForUser(userId: UserId, exceptId?: string): Promise<number>;
  /**
   * Optional: the live session whose `token_key` is this (with `maxAge`, created at or after
   * it) and its user, read together, e.g. in one SQL join; null when there is no such session
   * or its user is gone. It must answer exactly what `getByTokenKey` followed by the user
   * store's `get(session.user_id)` would, the user mapped as that store maps it (custom fields,
   * `oauth_accounts`), an inactive user included. The database strategy then checks a session
   * in one call instead of two (docs/sessions-storage.md). Nothing may be cached: every call
   * reads the store.
   */
  getByTokenKeyWithUser?(
    tokenKey: string,
    maxAge?: Date,
  ): Promise<{ session: SessionRecord; user: User } | null>;
  /**
   * Optional: the live session with this id and its user, read together, e.g. in one SQL join;
   * null when there is no such session or its user is gone. It must answer exactly what `get`
   * followed by the user store's `get(session.user_id)` would, as `getByTokenKeyWithUser` does.
   * A JWT strategy with sessions then checks a session (`sid`) in one call instead of two
   * (docs/sessions-storage.md). Nothing may be cached: every call reads the store.
   */
  getByIdWithUser?(id: string): Promise<{ session: SessionRecord; user: User } | null>;
}

/**
 * A user's second-factor state (docs/mfa.md). The secrets are sealed by core (AES-256-GCM,
 * bound to the user) before they reach a store, and stores treat them as opaque strings.
 */
export interface MfaRecord {
  user_id: UserId;
  /** The sealed TOTP secret in use; null while TOTP is not enabled. */
  totp_secret: string | null;
  /** A sealed secret awaiting its first code (`/totp/setup`); null when none is pending. */
  pending_secret: string | null;
  /** When TOTP was enabled; null while it is not. */
  enabled_at: Date | null;
  /** The last TOTP time step accepted; a code of this step or an earlier one is a replay. */
  last_step: number | null;
  /** How many unused recovery codes remain. */
  recovery_codes_left: number;
}

/**
 * Storage for second factors and the MFA login step. Every compare-and-set and consumption is
 * one atomic step: of concurrent calls exactly one wins, whatever the store.
 */
export interface MfaStore {
  /** The user's record, or null when the user never set up a factor. */
  get(userId: UserId): Promise<MfaRecord | null>;
  /** Creates or replaces the pending secret; an enabled secret is left as it is. */
  setPendingSecret(userId: UserId, sealedSecret: string): Promise<void>;
  /**
   * Compare-and-set enrolment: only if `pendingSecret` is still the pending secret and TOTP is
   * not enabled, moves it to `totp_secret`, clears the pending one, sets `enabled_at` and
   * `last_step`, and replaces every recovery code by `recoveryCodeDigests`. True when applied.
   */
  enable(
    userId: UserId,
    pendingSecret: string,
    data: { recoveryCodeDigests: readonly string[]; lastStep: number; at: Date },
  ): Promise<boolean>;
  /** Removes the factor, any pending secret and every recovery code; true when TOTP was enabled. */
  disable(userId: UserId): Promise<boolean>;
  /**
   * Compare-and-set replay guard: sets `last_step` to `step` only if TOTP is enabled and the
   * stored step is null or lower. Of concurrent calls with one step exactly one returns true.
   */
  advanceStep(userId: UserId, step: number): Promise<boolean>;
  /** Deletes one unused recovery code by its digest; true when this call removed it. */
  consumeRecoveryCode(userId: UserId, digest: string): Promise<boolean>;
  /**
   * Counts one attempt on an MFA token (its `jti`): true, and counted, only while fewer than
   * `limit` attempts were counted and the token was not spent. Under concurrency exactly
   * `limit` calls return true. The entry may be forgotten after `expiresAt`.
   */
  countTokenAttempt(tokenId: string, limit: number, expiresAt: Date): Promise<boolean>;
  /** Marks an MFA token used; true for the one call that did. */
  spendToken(tokenId: string, expiresAt: Date): Promise<boolean>;
  /**
   * Compare-and-set: replaces the enabled TOTP secret `sealedSecret` by `newSealedSecret` (the
   * same secret sealed under the current key, after a key rotation: docs/mfa.md#rotating-the-key);
   * true when applied, false when the stored secret is no longer `sealedSecret`.
   */
  replaceSecret(userId: UserId, sealedSecret: string, newSealedSecret: string): Promise<boolean>;
}
