import { PortcullisConfigError } from '../errors';
import {
  checkContract,
  checkHmacSecret,
  checkLifetime,
  checkPositiveInteger,
  kindOf,
} from './config-checks';
import { configProblemOf, problemOf } from './config-problem';

const TOKEN_SETTINGS = ['resetPasswordToken', 'verificationToken'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The options of a `UserManager`: a whole `UserStore`, reset and verification secrets long
 * enough for HS256 with positive lifetimes, and a whole hasher, policy and hooks when given.
 * Paths are relative to the options object (`resetPasswordToken.secret`).
 */
export function checkManagerOptions(options: unknown): void {
  if (!isObject(options)) {
    throw new PortcullisConfigError('userManager', `must be an object (got ${kindOf(options)})`);
  }
  checkContract('users', options.users, 'UserStore');
  for (const name of TOKEN_SETTINGS) {
    const settings = options[name];
    if (!isObject(settings)) {
      throw new PortcullisConfigError(
        name,
        `is required: { secret, lifetimeSeconds? } (got ${kindOf(settings)})`,
      );
    }
    checkHmacSecret(`${name}.secret`, settings.secret, 'HS256');
    checkLifetime(`${name}.lifetimeSeconds`, settings.lifetimeSeconds, { undefined: true });
    const { audience } = settings;
    if (audience !== undefined && (typeof audience !== 'string' || audience === '')) {
      throw new PortcullisConfigError(
        `${name}.audience`,
        `must be a non-empty string (got ${kindOf(audience)})`,
      );
    }
  }
  if (options.passwordHasher !== undefined) {
    checkContract('passwordHasher', options.passwordHasher, 'PasswordHasher');
  }
  if (options.validatePassword !== undefined && typeof options.validatePassword !== 'function') {
    throw new PortcullisConfigError(
      'validatePassword',
      `must be a function (got ${kindOf(options.validatePassword)})`,
    );
  }
  const { hooks } = options;
  if (hooks === undefined) return;
  if (!isObject(hooks)) {
    throw new PortcullisConfigError('hooks', `must be an object (got ${kindOf(hooks)})`);
  }
  for (const [name, hook] of Object.entries(hooks)) {
    if (hook !== undefined && typeof hook !== 'function') {
      throw new PortcullisConfigError(`hooks.${name}`, `must be a function (got ${kindOf(hook)})`);
    }
  }
}

/**
 * Everything `createPortcullis` is given, checked before anything is built, so a mistake stops
 * the app at start-up with the option's path instead of failing its first request:
 * `backends[0].strategy.secret must be at least 32 bytes for HS256 (got 3)`.
 */
export function checkPortcullisOptions(
  options: Record<string, unknown>,
  managerIsBuilt: boolean,
): void {
  if (!managerIsBuilt) {
    const problem = problemOf(() => checkManagerOptions(options.userManager));
    if (problem) throw problem.path === 'userManager' ? problem : problem.within('userManager');
  }
  const { backends } = options;
  if (!Array.isArray(backends)) {
    throw new PortcullisConfigError('backends', `must be an array (got ${kindOf(backends)})`);
  }
  for (const [index, backend] of backends.entries()) {
    const path = `backends[${index}]`;
    if (!isObject(backend)) {
      throw new PortcullisConfigError(path, `must be a backend (got ${kindOf(backend)})`);
    }
    if (typeof backend.name !== 'string' || backend.name === '') {
      throw new PortcullisConfigError(
        `${path}.name`,
        `must be a non-empty string (got ${kindOf(backend.name)})`,
      );
    }
    checkContract(`${path}.transport`, backend.transport, 'Transport');
    const problem = configProblemOf(backend.strategy);
    if (problem) throw problem.within(`${path}.strategy`);
    checkContract(`${path}.strategy`, backend.strategy, 'Strategy');
  }
  checkPositiveInteger('bodyLimit', options.bodyLimit, 'bytes');
  checkPositiveInteger('bodyTimeoutMs', options.bodyTimeoutMs, 'ms');
  if (options.logger !== undefined) checkContract('logger', options.logger, 'Logger');
  if ('userSchemas' in options) {
    throw new PortcullisConfigError(
      'userSchemas',
      'was replaced by userFields: defineUserFields({ ... }) (see docs/upgrading.md)',
    );
  }
  const { userFields } = options;
  if (userFields !== undefined && !(isObject(userFields) && isObject(userFields.schemas))) {
    throw new PortcullisConfigError(
      'userFields',
      `must be the result of defineUserFields() (got ${kindOf(userFields)})`,
    );
  }
  if (options.mfa !== undefined) checkMfaOptions(options.mfa);
}

const encoder = new TextEncoder();

/** An MFA key: a string (as UTF-8) or bytes, at least 32 bytes; the error never shows it. */
function checkMfaKey(name: string, key: unknown): void {
  const bytes =
    typeof key === 'string'
      ? encoder.encode(key).length
      : key instanceof Uint8Array
        ? key.length
        : -1;
  if (bytes < 0) {
    throw new PortcullisConfigError(name, `must be a string or bytes (got ${kindOf(key)})`);
  }
  if (bytes < 32) {
    throw new PortcullisConfigError(name, `must be at least 32 bytes (got ${bytes})`);
  }
}

/** `mfa`: a whole MfaStore and an encryption key of at least 32 bytes (docs/mfa.md). */
function checkMfaOptions(mfa: unknown): void {
  if (!isObject(mfa)) {
    throw new PortcullisConfigError('mfa', `must be an object (got ${kindOf(mfa)})`);
  }
  checkContract('mfa.store', mfa.store, 'MfaStore');
  checkMfaKey('mfa.encryptionKey', mfa.encryptionKey);
  const previous = mfa.previousEncryptionKeys;
  if (previous !== undefined) {
    if (!Array.isArray(previous)) {
      throw new PortcullisConfigError(
        'mfa.previousEncryptionKeys',
        `must be an array of keys (got ${kindOf(previous)})`,
      );
    }
    for (const [i, key] of previous.entries()) {
      checkMfaKey(`mfa.previousEncryptionKeys[${i}]`, key);
    }
  }
  const { issuer } = mfa;
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === '')) {
    throw new PortcullisConfigError(
      'mfa.issuer',
      `must be a non-empty string (got ${kindOf(issuer)})`,
    );
  }
}
