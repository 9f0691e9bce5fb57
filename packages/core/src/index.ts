// Setup

export type { AuthResult, CurrentUserOptions } from './auth/authenticator';
export type { AuthenticationBackend } from './auth/backend';
// Authentication backends: transports and strategies
export { createAuthBackend } from './auth/backend';
export type { BearerTransportOptions } from './auth/bearer-transport';
export { createBearerTransport } from './auth/bearer-transport';
export type { CookieTransportOptions } from './auth/cookie-transport';
export { createCookieTransport } from './auth/cookie-transport';
export type { DatabaseStrategyOptions } from './auth/database-strategy';
export { createDatabaseStrategy } from './auth/database-strategy';
// Revocation: log out everywhere, opt-in JWT revocation
export type { DestroyAllSessionsResult } from './auth/destroy-all-sessions';
export { destroyAllSessions } from './auth/destroy-all-sessions';
export type { JwtStrategyOptions } from './auth/jwt-strategy';
export { createJwtStrategy } from './auth/jwt-strategy';
export type { TokenRevocationStore } from './auth/revocation';
export { createTokenId, tokenIdIssuedAt } from './auth/revocation';
export type { Strategy, UserLookup } from './auth/strategy';
export type { CredentialHeaders, SecurityScheme, Transport } from './auth/transport';
export type { DocsPageOptions } from './docs-page';
export { DOCS_INIT_FILE, docsHtml, docsInitScript } from './docs-page';
export type { EmailValidationResult } from './email';
// Validation and schemas
export { validateEmail } from './email';
export type { PortcullisErrorOptions } from './errors';
// Errors
export { ErrorCode, InvalidPasswordError, isPortcullisError, PortcullisError } from './errors';
export type { UserManagerHooks, ValidatePassword } from './hooks';
export type { MountedRoute, Mounts, PortcullisHandler, RouteMatch } from './http/handler';
// HTTP: the Fetch-API handler and route tables
export { createHandler } from './http/handler';
export type { HttpMethod, Route, RouteContext, RouteDoc, Router } from './http/route';
export type { JwtAlgorithm, JwtCodec, JwtCodecOptions } from './jwt';
export { createJwtCodec, JwtError } from './jwt';
export type { ActionContext, TokenSettings, UserManagerOptions, WriteContext } from './manager';
// User manager, hooks and password policy
export { UserManager } from './manager';
// OAuth: provider client contract, account linking, state, CSRF cookie and routers
export type { OAuthCallbackData, OAuthCallbackOptions } from './oauth/account-link';
export { oauthAccountRead, publicOAuthAccount, publicOAuthAccounts } from './oauth/account-view';
export type {
  AuthorizationUrlParams,
  ExchangeCodeParams,
  OAuthClient,
  OAuthIdentity,
  OAuthTokens,
} from './oauth/client';
export type { CsrfCookieOptions } from './oauth/csrf-cookie';
export type { OAuthFlowOptions } from './oauth/flow';
export { pkceChallenge } from './oauth/pkce';
export type { OAuthState, OAuthStateCodec, OAuthStateOptions } from './oauth/state';
export { createOAuthStateCodec } from './oauth/state';
export type {
  JsonSchema,
  OpenApiBackend,
  OpenApiDocument,
  OpenApiInfo,
  OpenApiMediaType,
  OpenApiOperation,
  OpenApiResponse,
} from './openapi';
// OpenAPI and the interactive docs page
export { buildOpenApi } from './openapi';
export type { Argon2Options, PasswordHasher, PasswordHasherOptions } from './password';
// Passwords, tokens, randomness
export { createPasswordHasher, verifyAndUpdate } from './password';
export type { Pbkdf2PasswordHasherOptions } from './pbkdf2-password-hasher';
export { createPbkdf2PasswordHasher } from './pbkdf2-password-hasher';
export type { CurrentUserGuard, Portcullis, PortcullisOptions } from './portcullis';
export { createPortcullis } from './portcullis';
export { randomToken, timingSafeEqual } from './random';
export type { OAuthAssociateRouterOptions } from './routes/oauth-associate-router';
export type { OAuthRouterOptions } from './routes/oauth-router';
export type { CustomUserFields, UserSchemas, UserSchemasOptions } from './schemas';
export { booleanField, createUserSchemas, emailField } from './schemas';
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
export type { ValidationIssue } from './validation';
