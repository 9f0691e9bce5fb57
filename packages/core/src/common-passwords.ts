// @portcullis/core/common-passwords: the shipped blocklist, in an entry of its own so only the
// apps that use it load it.
export { commonPasswords, commonPasswordsSource } from './password-policy/common-passwords';
