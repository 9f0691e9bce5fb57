// Setup
export { createPortcullis } from './portcullis';
export type { CurrentUserGuard, Portcullis, PortcullisOptions } from './portcullis';

// User manager, hooks and password policy
export { UserManager } from './manager';
export type { ActionContext, TokenSettings, UserManagerOptions, WriteContext } from './manager';
export type { UserManagerHooks, ValidatePassword } from './hooks';

// Authentication backends: transports and strategies
export { createAuthBackend } from './auth/backend';
export type { AuthenticationBackend } from './auth/backend';
export { createBearerTransport } from './auth/bearer-transport';
export type { BearerTransportOptions } from './auth/bearer-transport';
export { createCookieTransport } from './auth/cookie-transport';
export type { CookieTransportOptions } from './auth/cookie-transport';
export type { CredentialHeaders, SecurityScheme, Transport } from './auth/transport';
export { createJwtStrategy } from './auth/jwt-strategy';
export type { JwtStrategyOptions } from './auth/jwt-strategy';
export { createDatabaseStrategy } from './auth/database-strategy';
export type { DatabaseStrategyOptions } from './auth/database-strategy';
export type { Strategy, UserLookup } from './auth/strategy';
export type { AuthResult, CurrentUserOptions } from './auth/authenticator';

// Passwords, tokens, randomness
export { createPasswordHasher, verifyAndUpdate } from './password';
export type { Argon2Options, PasswordHasher } from './password';
export { createJwtCodec, JwtError } from './jwt';
export type { JwtAlgorithm, JwtCodec, JwtCodecOptions } from './jwt';
export { randomToken, timingSafeEqual } from './random';

// Validation and schemas
export { validateEmail } from './email';
export type { EmailValidationResult } from './email';
export { booleanField, createUserSchemas, emailField } from './schemas';
export type { CustomUserFields, UserSchemas, UserSchemasOptions } from './schemas';
export type { ValidationIssue } from './validation';

// HTTP: the Fetch-API handler and route tables
export { createHandler } from './http/handler';
export type { MountedRoute, Mounts, PortcullisHandler, RouteMatch } from './http/handler';
export type { HttpMethod, Route, RouteContext, RouteDoc, Router } from './http/route';

// Errors
export { ErrorCode, InvalidPasswordError, isPortcullisError, PortcullisError } from './errors';
export type { PortcullisErrorOptions } from './errors';

// Records and store contracts
export type {
  AccessTokenRecord,
  AccessTokenStore,
  BaseUser,
  OAuthAccount,
  OAuthAccountData,
  UpdateCondition,
  User,
  UserCreateData,
  UserId,
  UserStore,
  UserUpdateData,
} from './types';
