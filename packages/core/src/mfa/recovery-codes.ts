/**
 * Recovery codes: ten per enrolment, each 12 characters of a 32-letter alphabet without look-alike
 * characters (60 bits), shown as `xxxx-xxxx-xxxx`. They are stored only as keyed digests
 * (docs/mfa.md), and a code is accepted in any case, with or without its dashes.
 */

/** How many codes an enrolment hands out. */
export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32 letters: no I, L, O or U, so a code read aloud or copied by hand survives.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Fresh codes, as shown to the user once. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes: string[] = [];
  for (let n = 0; n < count; n++) {
    // 32 divides 256: `byte & 31` is uniform.
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    const chars = [...bytes].map((b) => ALPHABET[b & 31]).join('');
    codes.push(`${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`);
  }
  return codes;
}

/** The canonical form of a typed code (lower case, no dashes or spaces), or null when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | null {
  const clean = input.replace(/[\s-]/g, '').toLowerCase();
  return /^[0-9a-hjkmnp-tv-z]{12}$/.test(clean) ? clean : null;
}
