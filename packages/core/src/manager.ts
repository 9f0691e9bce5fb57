import { ErrorCode, PortcullisError } from './errors';
import type { UserManagerHooks, ValidatePassword } from './hooks';
import type { PortcullisRequest } from './http/request';
import { checkManagerOptions } from './internal/check-options';
import { decodeSignedToken, type SignedToken, signedToken } from './internal/signed-token';
import { UserManagerEvents } from './manager-events';
import {
  type AccountLinkDeps,
  linkOnLogin,
  linkToUser,
  type OAuthCallbackData,
  type OAuthCallbackOptions,
} from './oauth/account-link';
import {
  createPasswordHasher,
  type HashCallOptions,
  type PasswordHasher,
  verifyAndUpdate,
} from './password';
import { base64url, timingSafeEqual } from './random';
import type { User, UserCreateData, UserStore, UserUpdateData } from './types';

export interface TokenSettings {
  /** HS256 secret. Use at least 32 random bytes. */
  secret: string | Uint8Array;
  /** Default 3600. */
  lifetimeSeconds?: number;
  /** Default `portcullis:reset` / `portcullis:verify` (FastAPI Users: `fastapi-users:reset|verify`). */
  audience?: string;
}

export interface UserManagerOptions<U extends User = User> {
  users: UserStore<U>;
  resetPasswordToken: TokenSettings;
  verificationToken: TokenSettings;
  passwordHasher?: PasswordHasher;
  validatePassword?: ValidatePassword<U>;
  hooks?: UserManagerHooks<U>;
}

export interface ActionContext {
  request?: PortcullisRequest;
}

export interface WriteContext extends ActionContext {
  /** Safe writes (public routes) ignore `is_active`, `is_superuser` and `is_verified`. */
  safe?: boolean;
}

const PRIVILEGED = ['id', 'is_active', 'is_superuser', 'is_verified', 'oauth_accounts'];
const UPDATE_ORDER = ['password', 'email', 'is_active', 'is_superuser', 'is_verified'];

const encoder = new TextEncoder();

/** The options' hooks, once the options passed their checks (a bad option throws first). */
function checkedHooks<U extends User>(
  options: UserManagerOptions<U>,
): UserManagerHooks<U> | undefined {
  checkManagerOptions(options);
  return options.hooks;
}

/**
 * Registration, login, verification, password reset and deletion (see docs/contract/behaviour.md#user-manager), over any
 * `UserStore`. Options are frozen at construction; nothing changes per request. The event
 * forwarders (`onAfterLogin`, `onMfaEnabled`, …) come from `UserManagerEvents`.
 *
 * @example
 * ```ts
 * const manager = new UserManager({
 *   users: createSqlUserStore(db),
 *   resetPasswordToken: { secret: SECRET },
 *   verificationToken: { secret: SECRET },
 *   hooks: { onAfterRegister: (user) => mailer.welcome(user.email) },
 * });
 * ```
 */
export class UserManager<U extends User = User> extends UserManagerEvents<U> {
  readonly users: UserStore<U>;
  readonly passwordHasher: PasswordHasher;
  readonly #validatePassword: ValidatePassword<U> | undefined;
  readonly #reset: SignedToken;
  readonly #verify: SignedToken;
  #fingerprintKey: Promise<CryptoKey> | undefined;
  readonly #resetSecret: Uint8Array;

  constructor(options: UserManagerOptions<U>) {
    super(checkedHooks(options));
    this.users = options.users;
    this.passwordHasher = options.passwordHasher ?? createPasswordHasher();
    this.#validatePassword = options.validatePassword;
    this.#reset = signedToken(options.resetPasswordToken, 'portcullis:reset');
    this.#verify = signedToken(options.verificationToken, 'portcullis:verify');
    const secret = options.resetPasswordToken.secret;
    this.#resetSecret = typeof secret === 'string' ? encoder.encode(secret) : secret;
  }

  /** The user with this id (a string from a path or token). Throws USER_NOT_EXISTS. */
  async get(id: string): Promise<U> {
    const parsed = this.users.parseId(id);
    const user = parsed === null ? null : await this.users.get(parsed);
    if (!user) throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'User not found');
    return user;
  }

  /**
   * Like `get`, but null instead of an error. Not `async`: every guarded request comes through
   * here, and the store's promise is returned as it is, without wrapping it in another.
   */
  findById(id: string): Promise<U | null> {
    try {
      const parsed = this.users.parseId(id);
      return parsed === null ? Promise.resolve(null) : this.users.get(parsed);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Case-insensitive lookup (the store's job; docs/contract/behaviour.md#stores). Throws USER_NOT_EXISTS. */
  async getByEmail(email: string): Promise<U> {
    const user = await this.users.getByEmail(email);
    if (!user) throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'User not found');
    return user;
  }

  async validatePassword(password: string, user: U | Record<string, unknown>): Promise<void> {
    if (this.#validatePassword) await this.#validatePassword(password, user);
  }

  /**
   * Registers a user (see docs/contract/behaviour.md#register): password policy first, then the duplicate check, then the
   * store (whose unique index settles races).
   */
  async create(input: Record<string, unknown>, context: WriteContext = {}): Promise<U> {
    const { password, ...rest } = input;
    if (typeof password !== 'string') {
      throw new PortcullisError(ErrorCode.INVALID_PASSWORD, 'A password is required', {
        reason: 'Password is required',
      });
    }
    await this.validatePassword(password, input);
    if (typeof rest.email !== 'string') {
      throw new PortcullisError(ErrorCode.BAD_REQUEST, 'An email is required', {
        detail: 'Bad Request',
      });
    }
    if (await this.users.getByEmail(rest.email)) {
      throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS, 'A user with this email exists');
    }
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) {
      if (context.safe && PRIVILEGED.includes(key)) continue;
      if (key === 'id' || key === 'oauth_accounts') continue;
      // A null flag means "not set": the store's default applies (upstream would write NULL).
      if (value === null && key.startsWith('is_')) continue;
      data[key] = value;
    }
    data.hashed_password = await this.passwordHasher.hash(password);
    const user = await this.users.create(data as UserCreateData);
    await this.hooks.onAfterRegister?.(user, context.request);
    return user;
  }

  /**
   * Updates a user (see docs/contract/behaviour.md#update). Walks the fields in schema order: a new email is checked for
   * duplicates and resets `is_verified`; a password is validated and hashed.
   */
  async update(input: Record<string, unknown>, user: U, context: WriteContext = {}): Promise<U> {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (context.safe && PRIVILEGED.includes(key)) continue;
      if (key === 'id' || key === 'oauth_accounts') continue;
      fields[key] = value;
    }
    const updated = await this.#apply(user, fields);
    const { password: _omitted, ...visible } = fields;
    await this.hooks.onAfterUpdate?.(updated, visible, context.request);
    return updated;
  }

  async #apply(user: U, fields: Record<string, unknown>): Promise<U> {
    const data: UserUpdateData = {};
    // Schema order, whatever order the caller used: a new email resets is_verified before an
    // explicit is_verified applies (see docs/contract/behaviour.md#update).
    const ordered = [
      ...UPDATE_ORDER.filter((key) => key in fields),
      ...Object.keys(fields).filter((key) => !UPDATE_ORDER.includes(key)),
    ];
    for (const key of ordered) {
      const value = fields[key];
      if (key === 'email' && typeof value === 'string' && value !== user.email) {
        // Any existing holder, the same user with other casing included (see docs/contract/quirks.md#email-case-change).
        if (await this.users.getByEmail(value)) {
          throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS, 'A user with this email exists');
        }
        data.email = value;
        data.is_verified = false;
      } else if (key === 'password') {
        if (typeof value === 'string') {
          await this.validatePassword(value, user);
          data.hashed_password = await this.passwordHasher.hash(value);
        }
      } else {
        data[key] = value;
      }
    }
    if (Object.keys(data).length === 0) return user;
    const updated = await this.users.update(user, data);
    if (!updated) throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'User not found');
    return updated;
  }

  /** Deletes a user between the two delete hooks (see docs/contract/behaviour.md#delete). */
  async delete(user: U, context: ActionContext = {}): Promise<void> {
    await this.hooks.onBeforeDelete?.(user, context.request);
    await this.users.delete(user);
    await this.hooks.onAfterDelete?.(user, context.request);
  }

  /**
   * Checks credentials (see docs/contract/behaviour.md#authenticate). Unknown emails still pay for one hash, so response time does
   * not reveal which emails exist; a stored hash of an older kind or cost is upgraded.
   * Activity is the caller's concern. `options` go to the hasher's calls (`skipIf`: a hash
   * dropped before it started rejects with `CLIENT_CLOSED_REQUEST`).
   */
  async authenticate(
    credentials: { username: string; password: string },
    options?: HashCallOptions,
  ): Promise<U | null> {
    const { username, password } = credentials;
    // A NUL can never be in a stored email; treat it as an unknown user (see docs/contract/decisions.md#no-nul).
    const user = username.includes('\u0000') ? null : await this.users.getByEmail(username);
    if (!user) {
      await this.passwordHasher.hash(password, options);
      return null;
    }
    const { valid, newHash } = await verifyAndUpdate(
      this.passwordHasher,
      password,
      user.hashed_password,
      options,
    );
    if (!valid) return null;
    if (newHash) {
      return (await this.users.update(user, { hashed_password: newHash })) ?? user;
    }
    return user;
  }

  /** Issues a verification token and hands it to `onAfterRequestVerify` (see docs/contract/behaviour.md#verification). */
  async requestVerify(user: U, context: ActionContext = {}): Promise<void> {
    if (!user.is_active) throw new PortcullisError(ErrorCode.USER_INACTIVE, 'User is inactive');
    if (user.is_verified) {
      throw new PortcullisError(ErrorCode.VERIFY_USER_ALREADY_VERIFIED, 'User is already verified');
    }
    const { codec, lifetime, audience } = this.#verify;
    const token = await codec.sign(
      { sub: String(user.id), email: user.email, aud: audience },
      lifetime,
    );
    await this.hooks.onAfterRequestVerify?.(user, token, context.request);
  }

  /**
   * Marks the user verified (see docs/contract/behaviour.md#verification). The token is bound to the email it was issued for, so
   * it dies when the email changes. The write is a compare-and-set on `is_verified`, so of
   * concurrent uses of one token exactly one wins (and runs `onAfterVerify`); the others get
   * VERIFY_USER_ALREADY_VERIFIED, as a second verify does.
   */
  async verify(token: string, context: ActionContext = {}): Promise<U> {
    const bad = (): PortcullisError =>
      new PortcullisError(ErrorCode.VERIFY_USER_BAD_TOKEN, 'Invalid verification token');
    const claims = await decodeSignedToken(this.#verify, token, bad);
    if (typeof claims.sub !== 'string' || typeof claims.email !== 'string') throw bad();
    const user = await this.users.getByEmail(claims.email);
    const id = this.users.parseId(claims.sub);
    if (!user || id === null || String(id) !== String(user.id)) throw bad();
    if (user.is_verified) {
      throw new PortcullisError(ErrorCode.VERIFY_USER_ALREADY_VERIFIED, 'User is already verified');
    }
    const verified = await this.users.update(user, { is_verified: true }, { isVerified: false });
    if (verified === null) {
      // Another use of the token won, or the user was deleted meanwhile.
      if ((await this.users.get(user.id)) === null) throw bad();
      throw new PortcullisError(ErrorCode.VERIFY_USER_ALREADY_VERIFIED, 'User is already verified');
    }
    await this.hooks.onAfterVerify?.(verified, context.request);
    return verified;
  }

  /** Issues a reset token bound to the current password hash (see docs/contract/behaviour.md#password-reset). */
  async forgotPassword(user: U, context: ActionContext = {}): Promise<void> {
    if (!user.is_active) throw new PortcullisError(ErrorCode.USER_INACTIVE, 'User is inactive');
    const { codec, lifetime, audience } = this.#reset;
    const claims = {
      sub: String(user.id),
      password_fgpt: await this.#fingerprint(user.hashed_password),
      aud: audience,
    };
    const token = await codec.sign(claims, lifetime);
    await this.hooks.onAfterForgotPassword?.(user, token, context.request);
  }

  /**
   * Sets a new password from a reset token (see docs/contract/behaviour.md#password-reset). The password policy runs before the
   * write (a rejected password leaves the token usable), and the write is a compare-and-set on
   * the old hash, so of two concurrent uses of one token exactly one wins.
   */
  async resetPassword(token: string, password: string, context: ActionContext = {}): Promise<U> {
    const bad = (): PortcullisError =>
      new PortcullisError(ErrorCode.RESET_PASSWORD_BAD_TOKEN, 'Invalid reset token');
    const claims = await decodeSignedToken(this.#reset, token, bad);
    if (typeof claims.sub !== 'string' || typeof claims.password_fgpt !== 'string') throw bad();
    const user = await this.findById(claims.sub);
    if (!user) throw bad();
    const expected = await this.#fingerprint(user.hashed_password);
    if (!timingSafeEqual(expected, claims.password_fgpt)) throw bad();
    if (!user.is_active) throw bad();
    await this.validatePassword(password, user);
    const hashed = await this.passwordHasher.hash(password);
    const updated = await this.users.update(
      user,
      { hashed_password: hashed },
      { hashedPassword: user.hashed_password },
    );
    if (!updated) throw bad();
    await this.hooks.onAfterResetPassword?.(updated, context.request);
    return updated;
  }

  /**
   * The OAuth login callback (see docs/contract/behaviour.md#oauth-callbacks): refreshes a linked account's tokens (keeping the
   * stored refresh token when the provider sends none), or links by verified email when
   * `associateByEmail` is set, or creates the user (`onAfterRegister`). Throws
   * USER_ALREADY_EXISTS for a taken email. Activity is the caller's concern.
   */
  async oauthCallback(data: OAuthCallbackData, options: OAuthCallbackOptions = {}): Promise<U> {
    return linkOnLogin(this.#linkDeps(), data, options);
  }

  /**
   * Links a provider account to `user`, then `onAfterUpdate(user, {})` (see docs/contract/behaviour.md#oauth-callbacks). Throws
   * OAUTH_ACCOUNT_ALREADY_LINKED when the account belongs to another user.
   */
  async oauthAssociateCallback(
    user: U,
    data: OAuthCallbackData,
    context: ActionContext = {},
  ): Promise<U> {
    return linkToUser(this.#linkDeps(), user, data, context);
  }

  #linkDeps(): AccountLinkDeps<U> {
    return { users: this.users, passwordHasher: this.passwordHasher, hooks: this.hooks };
  }

  /**
   * A keyed digest of the stored hash: any change of the hash (reset, PATCH, login-time rehash)
   * changes it, which makes reset tokens single-use (docs/contract/behaviour.md#password-reset, docs/contract/quirks.md#reset-token-hash-change). Upstream hashes the
   * hash with argon2; an HMAC keyed by the reset secret gives the same guarantee in microseconds.
   */
  async #fingerprint(hashedPassword: string): Promise<string> {
    this.#fingerprintKey ??= crypto.subtle.importKey(
      'raw',
      this.#resetSecret as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = await crypto.subtle.sign(
      'HMAC',
      await this.#fingerprintKey,
      encoder.encode(hashedPassword),
    );
    return base64url(new Uint8Array(mac));
  }
}
