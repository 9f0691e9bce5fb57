import { InvalidPasswordError } from '@portcullis/core';

/**
 * The demo's password policy (see docs/demo.md), with the reasons FastAPI Users' documentation uses:
 * at least 8 characters, and not containing the email.
 */
export function validatePassword(password: string, user: Record<string, unknown>): void {
  if (password.length < 8) {
    throw new InvalidPasswordError('Password should be at least 8 characters');
  }
  if (typeof user.email === 'string' && password.includes(user.email)) {
    throw new InvalidPasswordError('Password should not contain e-mail');
  }
}
