import { COMMON_PASSWORDS_TEXT, COMMON_PASSWORDS_VERSION } from './common-passwords-data';

/**
 * 17 950 common passwords of at least 8 characters, lower-case, from the list of
 * `@zxcvbn-ts/language-common` (MIT; the version is `commonPasswordsSource.version`). For
 * `createPasswordPolicy({ blocklist: commonPasswords })`, which compares case-insensitively.
 * A subpath of its own (`@portcullis/core/common-passwords`): an app that never imports it
 * never loads the list. Why this list: docs/abuse-protection.md.
 *
 * @example
 * ```ts
 * import { commonPasswords } from '@portcullis/core/common-passwords';
 * commonPasswords.has('trustno1'); // true
 * ```
 */
export const commonPasswords: ReadonlySet<string> = new Set(COMMON_PASSWORDS_TEXT.split('\n'));

/**
 * Where `commonPasswords` comes from.
 *
 * @example
 * ```ts
 * commonPasswordsSource.package; // '@zxcvbn-ts/language-common'
 * ```
 */
export const commonPasswordsSource = Object.freeze({
  package: '@zxcvbn-ts/language-common',
  version: COMMON_PASSWORDS_VERSION,
  license: 'MIT',
});
