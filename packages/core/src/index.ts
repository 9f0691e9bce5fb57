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
