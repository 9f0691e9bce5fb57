// @portcullis/core: what an application touches. Adapter and store authors find the rest in
// `@portcullis/core/adapter`; the Node bridge is `@portcullis/core/node`. Exports are grouped
// by topic under their headings (the import sorter is off for this file).

// Setup: one call resolves and freezes the configuration
export {
  createPortcullis,
  type Portcullis,
  type PortcullisOptions,
  type RevokeAllResult,
} from './portcullis';
export type { AuthResult, CurrentUserGuard, CurrentUserOptions } from './auth/authenticator';
export { guardRequest } from './auth/guard';
export type { HandlerOptions, Mounts, PortcullisHandler } from './http/handler';
export type { FetchConnectionInfo, PortcullisRequest } from './http/request';
export type { PortcullisResponse } from './http/response';
export type { Router } from './http/route';
export type { Logger } from './logger';

// Authentication backends: a transport and a strategy under a name
export { type AuthenticationBackend, createAuthBackend } from './auth/backend';
export { type BearerTransportOptions, createBearerTransport } from './auth/bearer-transport';
export { type CookieTransportOptions, createCookieTransport } from './auth/cookie-transport';
export { createDatabaseStrategy, type DatabaseStrategyOptions } from './auth/database-strategy';
export {
  createJwtStrategy,
  type JwtStrategyOptions,
  type RefreshOptions,
} from './auth/jwt-strategy';
export type { TokenRevocationStore } from './auth/revocation';
export type {
  IssuedTokens,
  LoginContext,
  RefreshGrant,
  Strategy,
  UserLookup,
} from './auth/strategy';
export type {
  CredentialHeaders,
  RefreshAnswer,
  SecurityScheme,
  Transport,
} from './auth/transport';
export type { TokenStorage } from './sessions/session-data';

// Sessions: listing and ending them, the revocation rules, their events
export type { SessionsRouterOptions } from './routes/sessions-router';
export type {
  RefreshTokenReuseEvent,
  SessionRevokedEvent,
  SessionRevokedReason,
} from './sessions/events';
export type { SessionRevocationOptions } from './sessions/revocation-policy';
export type { JwtAlgorithm } from './jwt';

// Users: the manager, its hooks and the password policy
export {
  type ActionContext,
  type TokenSettings,
  UserManager,
  type UserManagerOptions,
  type WriteContext,
} from './manager';
export type { UserManagerHooks, ValidatePassword } from './hooks';
export {
  type Argon2Options,
  createPasswordHasher,
  type HashCallOptions,
  type PasswordHasher,
  type PasswordHasherOptions,
} from './password';
export {
  createPbkdf2PasswordHasher,
  type Pbkdf2PasswordHasherOptions,
} from './pbkdf2-password-hasher';

// Abuse protection: client addresses, login throttling, per-address limits, their events
export type { TrustProxy } from './abuse/client-address';
export type {
  LoginFailedEvent,
  LoginFailureReason,
  RateLimitErrorEvent,
  ThrottledEvent,
  ThrottleReason,
} from './abuse/events';
export {
  createMemoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
} from './abuse/memory-rate-limit-store';
export type { RateLimitOptions } from './abuse/rate-limit-options';
export type { RateLimitStore } from './abuse/rate-limit-store';

// Second factor: TOTP, recovery codes, the login gate and its events
export { createMemoryMfaStore } from './mfa/memory-mfa-store';
export type { MfaChangedEvent, MfaFailedEvent, MfaFailureReason, MfaMethod } from './mfa/events';
export type { MfaOptions } from './mfa/gate';
export type { MfaRouterOptions } from './routes/mfa-router';

// Password policy helpers (the list of common passwords: `@portcullis/core/common-passwords`)
export {
  type BreachedPasswordCheck,
  type BreachedPasswordCheckOptions,
  createBreachedPasswordCheck,
} from './password-policy/breached-password';
export {
  createPasswordPolicy,
  PASSWORD_POLICY_REASONS,
  type PasswordPolicyOptions,
} from './password-policy/password-policy';

// Custom user fields and validation (`emailField` is in `@portcullis/core/fields`)
export type { UserSchemas } from './schemas';
export {
  type DefineUserFieldsOptions,
  defineUserFields,
  type UserFieldShape,
  type UserFields,
  type UserOf,
  type UserOfShape,
  type ZodSchemaLike,
} from './user-fields';
export type { ValidationIssue } from './validation';

// Errors
export {
  ErrorCode,
  InvalidPasswordError,
  isPortcullisError,
  PortcullisConfigError,
  PortcullisError,
  type PortcullisErrorOptions,
} from './errors';

// OAuth: the provider client contract and the routers' options
export type {
  AuthorizationUrlParams,
  ExchangeCodeParams,
  OAuthClient,
  OAuthIdentity,
  OAuthTokens,
} from './oauth/client';
export type { CsrfCookieOptions } from './oauth/csrf-cookie';
export type { OAuthFlowOptions } from './oauth/flow';
export type { OAuthAssociateRouterOptions } from './routes/oauth-associate-router';
export type { OAuthRouterOptions } from './routes/oauth-router';

// Passkeys: the routers' input (built by `createPasskeys()` of @portcullis/passkeys)
export type { Passkeys, VerifiedPasskey, WebAuthnCeremonies } from './passkeys/ceremonies';
export { createMemoryPasskeyStore } from './passkeys/memory-passkey-store';
export type {
  PasskeyChallenge,
  PasskeyCreateData,
  PasskeyCredential,
  PasskeyStore,
} from './passkeys/store';
export type { PasskeyEvent } from './hooks';

// OpenAPI and the interactive docs page (`buildOpenApi` is in `@portcullis/core/openapi`,
// which loads zod when imported: docs/performance.md#import-cost)
export type {
  JsonSchema,
  OpenApiBackend,
  OpenApiDocument,
  OpenApiInfo,
  OpenApiMediaType,
  OpenApiOperation,
  OpenApiResponse,
} from './openapi';
export { type DocsPageOptions, docsHtml } from './docs-page';

// Records and store contracts
export type {
  AccessTokenRecord,
  AccessTokenStore,
  BaseUser,
  MfaRecord,
  MfaStore,
  OAuthAccount,
  OAuthAccountData,
  SessionCreateData,
  SessionRecord,
  SessionStore,
  UpdateCondition,
  User,
  UserCreateData,
  UserId,
  UserStore,
  UserUpdateData,
} from './types';
